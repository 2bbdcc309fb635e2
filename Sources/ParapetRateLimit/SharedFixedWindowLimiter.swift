public import ParapetCore

/// A ``RateLimiter`` whose fixed windows live in a ``FixedWindowStore``, so every proxy that shares the
/// store shares one limit per key — a global limit rather than one per process.
///
/// Each decision is one ``SharedFixedWindowCounter/take(key:limit:window:)``: it waits no longer than the
/// store's timeout, and when the store fails it admits (fail-open, the default) or refuses (fail-closed) as
/// the counter says. Mount it with ``RateLimit/Strategy/sharedFixedWindow(limit:per:store:failureMode:onError:)``,
/// or `RateLimit.Strategy.redisFixedWindow(limit:per:client:failureMode:onError:)` from `ParapetRedis`.
///
/// ```swift
/// let counter = SharedFixedWindowCounter(store: store, wallClock: runtime.wallClock)
/// let limiter = try SharedFixedWindowLimiter(counter: counter, limit: 600, window: .seconds(60))
/// ```
public struct SharedFixedWindowLimiter: RateLimiter {
    /// The counter each decision goes to.
    public let counter: SharedFixedWindowCounter
    /// Requests allowed per key in each window.
    public let limit: Int
    /// The window, aligned to the Unix epoch.
    public let window: Duration

    /// Creates a limiter of `limit` requests per `window` counted by `counter`.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for a limit below 1 or a
    ///   window under one second: a shared window costs a round trip to the store per request, and its
    ///   counts and expiries are kept in whole milliseconds.
    public init(counter: SharedFixedWindowCounter, limit: Int, window: Duration) throws(ConfigurationError) {
        var check = ConfigurationCheck()
        check.atLeast(1, limit, "SharedFixedWindowLimiter.limit")
        check.require(
            window >= .seconds(1), "SharedFixedWindowLimiter.window",
            "must be at least one second, got \(window)")
        try check.result()
        self.counter = counter
        self.limit = limit
        self.window = window
    }

    public var quota: RateLimitQuota { RateLimitQuota(limit: limit, window: window) }

    public func acquire(_ key: RateLimitKey) async throws -> RateLimitDecision {
        switch await counter.take(key: key.description, limit: limit, window: window) {
        case .allowed(let count, let resetIn):
            .allowed(RateLimitStatus(remaining: max(0, limit - count), reset: resetIn), permit: nil)
        case .failedOpen:
            .allowed(RateLimitStatus(remaining: limit, reset: nil), permit: nil)
        case .limited(_, let retryAfter), .failedClosed(let retryAfter):
            .limited(RateLimitStatus(remaining: 0, reset: retryAfter), retryAfter: retryAfter)
        }
    }
}

extension RateLimit.Strategy {
    /// At most `limit` requests per key in each epoch-aligned `window`, counted in `store` so that every
    /// instance sharing the store shares the limit (see ``SharedFixedWindowLimiter``). Windows are numbered
    /// by the chain's wall clock; keep the instances' clocks in sync (NTP).
    ///
    /// ```swift
    /// server.use(RateLimit(.sharedFixedWindow(limit: 600, per: .seconds(60), store: store, failureMode: .closed)))
    /// ```
    ///
    /// - Throws (when the chain is built): ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for a
    ///   limit below 1 or a window under one second.
    public static func sharedFixedWindow(
        limit: Int, per window: Duration, store: any FixedWindowStore,
        failureMode: SharedFixedWindowCounter.FailureMode = .open, onError: (@Sendable (any Error) -> Void)? = nil
    ) -> RateLimit.Strategy {
        RateLimit.Strategy(name: "shared-fixed-\(limit)-per-\(window.compactText)") { runtime in
            let counter = SharedFixedWindowCounter(
                store: store, wallClock: runtime.wallClock, failureMode: failureMode, onError: onError)
            return try SharedFixedWindowLimiter(counter: counter, limit: limit, window: window)
        }
    }
}
