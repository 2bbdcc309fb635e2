import ParapetCache
import ParapetCore

extension Scenario {
    /// An HTTP cache in front of a stack's `Upstream` middleware: the real `Cache` middleware over a
    /// `MemoryCacheStore`, with the options that shape what a run shows. What it stores and for how long
    /// is up to the targets' answers (``Target/cacheControl``); the rest of `Cache.Options` keeps its
    /// defaults.
    ///
    /// ```yaml
    /// stacks:
    ///   - name: cached
    ///     cache: {staleIfError: 10m, lockTimeout: 2s}
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

        /// The store's budget when a scenario gives none: 64 MiB.
        public static let defaultByteBudget = 64 << 20

        /// Creates a cache description; a duration left `nil` keeps the real `Cache.Options` default.
        public init(
            byteBudget: Int = Self.defaultByteBudget, staleIfError: Duration? = nil, staleWhileRevalidate: Duration? = nil,
            staleIfUnreachable: Duration? = nil, lockTimeout: Duration? = nil
        ) {
            let defaults = ParapetCache.Cache.Options()
            self.byteBudget = byteBudget
            self.staleIfError = staleIfError ?? defaults.staleIfError
            self.staleWhileRevalidate = staleWhileRevalidate ?? defaults.staleWhileRevalidate
            self.staleIfUnreachable = staleIfUnreachable ?? defaults.staleIfUnreachable
            self.lockTimeout = lockTimeout ?? defaults.lockTimeout
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case byteBudget, staleIfError, staleWhileRevalidate, staleIfUnreachable, lockTimeout
        }

        /// Decodes the mapping; every field is optional.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                byteBudget: try container.decodeValue(.byteBudget, default: Self.defaultByteBudget),
                staleIfError: try container.decodeDurationIfPresent(.staleIfError),
                staleWhileRevalidate: try container.decodeDurationIfPresent(.staleWhileRevalidate),
                staleIfUnreachable: try container.decodeDurationIfPresent(.staleIfUnreachable),
                lockTimeout: try container.decodeDurationIfPresent(.lockTimeout))
        }

        /// Encodes every field.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(byteBudget, forKey: .byteBudget)
            try container.encodeDuration(staleIfError, forKey: .staleIfError)
            try container.encodeDuration(staleWhileRevalidate, forKey: .staleWhileRevalidate)
            try container.encodeDuration(staleIfUnreachable, forKey: .staleIfUnreachable)
            try container.encodeDuration(lockTimeout, forKey: .lockTimeout)
        }
    }
}
