import ParapetCache
import ParapetCore

extension Scenario {
    /// An HTTP cache in front of a stack's `Upstream` middleware: the real `Cache` middleware over a
    /// `MemoryCacheStore`, with the options that shape what a run shows. What it stores and for how long
    /// is up to the targets' answers (``Target/cacheControl``); the rest of `Cache.Options` keeps its
    /// defaults. When the timeline purges, the cache obeys a `PurgeTable` on the simulated wall clock; with
    /// a `reaper`, a `CacheReaper` walks its store in virtual time.
    ///
    /// ```yaml
    /// stacks:
    ///   - name: cached
    ///     cache: {staleIfError: 10m, lockTimeout: 2s, reaper: {interval: 30s, sliceSize: 1000}}
    ///     balancer: round-robin
    /// ```
    ///
    /// ```swift
    /// let stack = Scenario.Stack(name: "cached", balancer: .roundRobin, cache: .init(staleIfError: .seconds(600)))
    /// ```
    public struct Cache: Sendable, Hashable, Codable {
        /// What the `MemoryCacheStore` may hold, in bytes; at least 1.
        public var byteBudget: Int
        /// `Cache.Options.staleIfError`: how long past freshness a response may stand in for a `500`–`504`
        /// or no answer, when it has no `stale-if-error` of its own.
        public var staleIfError: Duration
        /// `Cache.Options.staleWhileRevalidate`: how long past freshness a response may be served while it
        /// is revalidated in the background, when it has no `stale-while-revalidate` of its own.
        public var staleWhileRevalidate: Duration
        /// `Cache.Options.staleIfUnreachable`: how long past freshness a response may be served when the
        /// origin cannot be reached (no answer, `502`, `504`).
        public var staleIfUnreachable: Duration
        /// `Cache.Options.lockTimeout`: how long a miss waits for the same key's miss in flight.
        public var lockTimeout: Duration
        /// The `CacheReaper` in front of the cache, if any.
        public var reaper: Reaper?

        /// The store's budget when a scenario gives none: 64 MiB.
        public static let defaultByteBudget = 64 << 20

        /// Creates a cache description; a duration left `nil` keeps the real `Cache.Options` default.
        public init(
            byteBudget: Int = Self.defaultByteBudget, staleIfError: Duration? = nil,
            staleWhileRevalidate: Duration? = nil,
            staleIfUnreachable: Duration? = nil, lockTimeout: Duration? = nil, reaper: Reaper? = nil
        ) {
            let defaults = ParapetCache.Cache.Options()
            self.byteBudget = byteBudget
            self.staleIfError = staleIfError ?? defaults.staleIfError
            self.staleWhileRevalidate = staleWhileRevalidate ?? defaults.staleWhileRevalidate
            self.staleIfUnreachable = staleIfUnreachable ?? defaults.staleIfUnreachable
            self.lockTimeout = lockTimeout ?? defaults.lockTimeout
            self.reaper = reaper
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case byteBudget, staleIfError, staleWhileRevalidate, staleIfUnreachable, lockTimeout, reaper
        }

        /// Decodes the mapping; every field is optional.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                byteBudget: try container.decodeValue(.byteBudget, default: Self.defaultByteBudget),
                staleIfError: try container.decodeDurationIfPresent(.staleIfError),
                staleWhileRevalidate: try container.decodeDurationIfPresent(.staleWhileRevalidate),
                staleIfUnreachable: try container.decodeDurationIfPresent(.staleIfUnreachable),
                lockTimeout: try container.decodeDurationIfPresent(.lockTimeout),
                reaper: try container.decodeOptional(.reaper))
        }

        /// Encodes every field.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(byteBudget, forKey: .byteBudget)
            try container.encodeDuration(staleIfError, forKey: .staleIfError)
            try container.encodeDuration(staleWhileRevalidate, forKey: .staleWhileRevalidate)
            try container.encodeDuration(staleIfUnreachable, forKey: .staleIfUnreachable)
            try container.encodeDuration(lockTimeout, forKey: .lockTimeout)
            try container.encodeIfPresent(reaper, forKey: .reaper)
        }

        /// `CacheReaper.Options`: every `interval` of virtual time (from the start of the run) the reaper
        /// walks the store `sliceSize` keys at a time, pausing `pauseBetweenSlices` after each slice, and
        /// removes what is purged or spent.
        ///
        /// ```yaml
        /// reaper: {interval: 30s, sliceSize: 1000, pauseBetweenSlices: 1ms}
        /// ```
        public struct Reaper: Sendable, Hashable, Codable {
            /// From the start of one walk to the start of the next.
            public var interval: Duration
            /// The most keys one slice looks at.
            public var sliceSize: Int
            /// The pause after each slice but the last.
            public var pauseBetweenSlices: Duration

            /// Creates a reaper description; a value left `nil` keeps the real `CacheReaper.Options` default.
            public init(interval: Duration? = nil, sliceSize: Int? = nil, pauseBetweenSlices: Duration? = nil) {
                let defaults = CacheReaper.Options()
                self.interval = interval ?? defaults.interval
                self.sliceSize = sliceSize ?? defaults.sliceSize
                self.pauseBetweenSlices = pauseBetweenSlices ?? defaults.pauseBetweenSlices
            }

            private enum CodingKeys: String, CodingKey, CaseIterable { case interval, sliceSize, pauseBetweenSlices }

            /// Decodes the mapping; every field is optional.
            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                self.init(
                    interval: try container.decodeDurationIfPresent(.interval),
                    sliceSize: try container.decodeOptional(.sliceSize),
                    pauseBetweenSlices: try container.decodeDurationIfPresent(.pauseBetweenSlices))
            }

            /// Encodes every field.
            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encodeDuration(interval, forKey: .interval)
                try container.encode(sliceSize, forKey: .sliceSize)
                try container.encodeDuration(pauseBetweenSlices, forKey: .pauseBetweenSlices)
            }

            /// The real reaper's options.
            var options: CacheReaper.Options {
                CacheReaper.Options(interval: interval, sliceSize: sliceSize, pauseBetweenSlices: pauseBetweenSlices)
            }
        }
    }
}
