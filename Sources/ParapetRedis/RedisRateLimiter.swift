import ParapetCore
public import ParapetRateLimit

/// A ``ParapetRateLimit/RateLimiter`` whose fixed windows live in Redis, so every proxy that shares the
/// Redis server shares one limit per key — a global limit rather than one per process.
///
/// Each decision is one ``RedisFixedWindowCounter/take(key:limit:window:)``: it never waits longer than
/// the client's timeout, and when Redis fails it admits (fail-open, the default) or refuses (fail-closed)
/// as the counter says. Mount it with ``ParapetRateLimit/RateLimit/Strategy/redisFixedWindow(limit:per:client:failureMode:onError:)``.
///
/// ```swift
/// let redis = RedisClient(configuration: RedisConfiguration(host: "10.0.0.9"))
/// server.use(RateLimit(.redisFixedWindow(limit: 600, per: .seconds(60), client: redis)))
/// ```
public struct RedisRateLimiter: RateLimiter {
    /// The counter each decision goes to.
    public let counter: RedisFixedWindowCounter
    /// Requests allowed per key in each window.
    public let limit: Int
    /// The window, aligned to the Unix epoch.
    public let window: Duration

    /// Creates a limiter of `limit` requests per `window` counted by `counter`.
    public init(counter: RedisFixedWindowCounter, limit: Int, window: Duration) {
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
    /// At most `limit` requests per key in each epoch-aligned `window`, counted in Redis through `client`
    /// so that every instance sharing the server shares the limit (see ``RedisRateLimiter``). Windows are
    /// numbered by the chain's wall clock; keep the instances' clocks in sync (NTP).
    ///
    /// - Throws (when the chain is built): ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for a
    ///   limit below 1 or a window under one second.
    public static func redisFixedWindow(
        limit: Int, per window: Duration, client: RedisClient,
        failureMode: RedisFixedWindowCounter.FailureMode = .open, onError: (@Sendable (any Error) -> Void)? = nil
    ) -> RateLimit.Strategy {
        let seconds = window.components.seconds
        return RateLimit.Strategy(name: "redis-fixed-\(limit)-per-\(seconds)s") { runtime in
            guard limit >= 1 else {
                throw ConfigurationError.invalidValue(field: "redisFixedWindow.limit", reason: "\(limit) admits nothing")
            }
            guard window >= .seconds(1) else {
                throw ConfigurationError.invalidValue(
                    field: "redisFixedWindow.window", reason: "\(window) is shorter than Redis's one-second windows")
            }
            let counter = RedisFixedWindowCounter(
                client: client, wallClock: runtime.wallClock, failureMode: failureMode, onError: onError)
            return RedisRateLimiter(counter: counter, limit: limit, window: window)
        }
    }
}
