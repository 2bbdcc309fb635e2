public import ParapetCore

extension RateLimit {
    /// A rate-limiting algorithm and its quota; the limiter with its per-key state is made when the chain is
    /// built, and that is when the values are checked.
    ///
    /// | strategy | limits | a request over the quota | Go original |
    /// |---|---|---|---|
    /// | ``fixedWindow(limit:per:)`` | requests per epoch-aligned window | refused until the window ends | `FixedWindow` |
    /// | ``slidingWindow(limit:per:)`` | requests per trailing window (estimated) | refused until the estimate admits it | `SlidingWindow` |
    /// | ``leakyBucket(interval:queue:)`` | one request per interval | waits its turn, refused when `queue` already wait | `LeakyBucket` |
    /// | ``concurrent(capacity:queue:)`` | requests in flight | waits for a slot, refused when `queue` already wait | `Concurrent`, `ConcurrentQueue` |
    /// | ``sharedFixedWindow(limit:per:store:failureMode:onError:)`` | requests per epoch-aligned window, counted in a store every instance shares | refused until the window ends; fails open or closed when the store does | — |
    ///
    /// ```swift
    /// server.use(RateLimit(.leakyBucket(interval: .milliseconds(100), queue: 10)))
    /// ```
    public struct Strategy: Sendable {
        /// The name a limiter takes unless ``Options/name`` gives one, such as `fixed-60-per-1s`.
        ///
        /// ```swift
        /// print(RateLimit.Strategy.concurrent(capacity: 4, queue: 16).name)   // concurrent-4-queue-16
        /// ```
        public let name: String
        let makeLimiter: @Sendable (Runtime, LimiterSettings) throws -> any RateLimiter

        /// A strategy of your own: `makeLimiter` builds the limiter on the chain's runtime (taking time from
        /// its clocks and starting background work through its spawner) and may throw a configuration
        /// error.
        ///
        /// ```swift
        /// let shared = RateLimit.Strategy(name: "global-100-per-1s") { runtime in
        ///     try SharedStoreLimiter(limit: 100, per: .seconds(1), runtime: runtime)
        /// }
        /// server.use(RateLimit(shared))
        /// ```
        public init(name: String, makeLimiter: @escaping @Sendable (Runtime) throws -> any RateLimiter) {
            self.name = name
            self.makeLimiter = { runtime, _ in try makeLimiter(runtime) }
        }

        private init(
            name: String, limiter: @escaping @Sendable (Runtime, LimiterSettings) throws -> any RateLimiter
        ) {
            self.name = name
            self.makeLimiter = limiter
        }

        /// Builds the limiter on `runtime`, as ``RateLimit/wrap(_:in:)`` does with the default options.
        ///
        /// ```swift
        /// let limiter = try RateLimit.Strategy.fixedWindow(limit: 10, per: .seconds(1)).limiter(on: runtime)
        /// let decision = try await limiter.acquire(RateLimitKey("k"))
        /// ```
        ///
        /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for values that cannot work.
        public func limiter(on runtime: Runtime) throws -> any RateLimiter {
            try makeLimiter(runtime, LimiterSettings(name: name))
        }

        /// At most `limit` requests per key in each `window` of civil time, aligned to the Unix epoch (see
        /// ``FixedWindow``). Up to twice the limit can pass across a boundary.
        public static func fixedWindow(limit: Int, per window: Duration) -> Strategy {
            Strategy(
                name: "fixed-\(limit)-per-\(window.compactText)",
                limiter: { runtime, settings in
                    KeyedRateLimiter(
                        rule: try FixedWindow(limit: limit, window: window), runtime: runtime, settings: settings)
                })
        }

        /// About `limit` requests per key in any `window`, by the sliding-window-counter estimate (see
        /// ``SlidingWindow``).
        public static func slidingWindow(limit: Int, per window: Duration) -> Strategy {
            Strategy(
                name: "sliding-\(limit)-per-\(window.compactText)",
                limiter: { runtime, settings in
                    KeyedRateLimiter(
                        rule: try SlidingWindow(limit: limit, window: window), runtime: runtime, settings: settings)
                })
        }

        /// One request per key every `interval`; early requests wait their turn on the injected clock while
        /// at most `queue` wait, and are refused beyond that (see ``LeakyBucket``).
        public static func leakyBucket(interval: Duration, queue: Int) -> Strategy {
            Strategy(
                name: "leaky-\(interval.compactText)-queue-\(queue)",
                limiter: { runtime, settings in
                    KeyedRateLimiter(
                        rule: try LeakyBucket(interval: interval, queue: queue), runtime: runtime, settings: settings)
                })
        }

        /// At most `capacity` requests per key in flight — from the decision until the response body ends,
        /// fails or is dropped; up to `queue` more wait for a slot in arrival order, and any beyond are
        /// refused at once. A `queue` of `0` (the default) means no waiting (see ``ConcurrencyLimit``).
        public static func concurrent(capacity: Int, queue: Int = 0) -> Strategy {
            let name = queue == 0 ? "concurrent-\(capacity)" : "concurrent-\(capacity)-queue-\(queue)"
            return Strategy(
                name: name,
                limiter: { _, settings in
                    ConcurrencyLimiter(
                        rule: try ConcurrencyLimit(capacity: capacity, queue: queue), maxKeys: settings.maxKeys)
                })
        }
    }
}
