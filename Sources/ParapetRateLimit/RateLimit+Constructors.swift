extension RateLimit {
    /// At most `limit` requests per client each second, windows aligned to the epoch (Go:
    /// `FixedWindowPerSecond`).
    public static func fixedWindow(perSecond limit: Int, options: Options = Options()) -> RateLimit {
        RateLimit(.fixedWindow(limit: limit, per: .seconds(1)), options: options)
    }

    /// At most `limit` requests per client each minute, windows aligned to the epoch (Go:
    /// `FixedWindowPerMinute`).
    public static func fixedWindow(perMinute limit: Int, options: Options = Options()) -> RateLimit {
        RateLimit(.fixedWindow(limit: limit, per: .seconds(60)), options: options)
    }

    /// At most `limit` requests per client each hour, windows aligned to the epoch (Go:
    /// `FixedWindowPerHour`).
    public static func fixedWindow(perHour limit: Int, options: Options = Options()) -> RateLimit {
        RateLimit(.fixedWindow(limit: limit, per: .seconds(3_600)), options: options)
    }

    /// At most `limit` requests per key in each `window`, aligned to the epoch (Go: `FixedWindow`).
    public static func fixedWindow(limit: Int, per window: Duration, options: Options = Options()) -> RateLimit {
        RateLimit(.fixedWindow(limit: limit, per: window), options: options)
    }

    /// About `limit` requests per client in any second (Go: `SlidingWindowPerSecond`).
    public static func slidingWindow(perSecond limit: Int, options: Options = Options()) -> RateLimit {
        RateLimit(.slidingWindow(limit: limit, per: .seconds(1)), options: options)
    }

    /// About `limit` requests per client in any minute (Go: `SlidingWindowPerMinute`).
    public static func slidingWindow(perMinute limit: Int, options: Options = Options()) -> RateLimit {
        RateLimit(.slidingWindow(limit: limit, per: .seconds(60)), options: options)
    }

    /// About `limit` requests per client in any hour (Go: `SlidingWindowPerHour`).
    public static func slidingWindow(perHour limit: Int, options: Options = Options()) -> RateLimit {
        RateLimit(.slidingWindow(limit: limit, per: .seconds(3_600)), options: options)
    }

    /// About `limit` requests per key in any `window` (Go: `SlidingWindow`).
    public static func slidingWindow(limit: Int, per window: Duration, options: Options = Options()) -> RateLimit {
        RateLimit(.slidingWindow(limit: limit, per: window), options: options)
    }

    /// One request per client every `interval`, early ones waiting their turn while at most `queue` wait
    /// (Go: `LeakyBucket(perRequest, size)`).
    public static func leakyBucket(interval: Duration, queue: Int, options: Options = Options()) -> RateLimit {
        RateLimit(.leakyBucket(interval: interval, queue: queue), options: options)
    }

    /// At most `capacity` requests per client in flight, up to `queue` more waiting for a slot (Go:
    /// `Concurrent(capacity)`, and `ConcurrentQueue(capacity, size)` — where a queue of 0 now means no
    /// waiting instead of refusing everything).
    ///
    /// ```swift
    /// server.use(RateLimit.concurrent(capacity: 4))
    /// server.use(RateLimit.concurrent(capacity: 4, queue: 16))
    /// ```
    public static func concurrent(capacity: Int, queue: Int = 0, options: Options = Options()) -> RateLimit {
        RateLimit(.concurrent(capacity: capacity, queue: queue), options: options)
    }
}
