public import ParapetRateLimit

extension RateLimit.Strategy {
    /// At most `limit` requests per key in each epoch-aligned `window`, counted in Redis through `client`
    /// so that every instance sharing the server shares the limit: ``ParapetRateLimit/RateLimit/Strategy/sharedFixedWindow(limit:per:store:failureMode:onError:)``
    /// on a ``RedisFixedWindowStore``, named `redis-fixed-<limit>-per-<seconds>s`. Windows are numbered by
    /// the chain's wall clock; keep the instances' clocks in sync (NTP).
    ///
    /// ```swift
    /// let redis = RedisClient(configuration: RedisConfiguration(host: "10.0.0.9"))
    /// server.use(RateLimit(.redisFixedWindow(limit: 600, per: .seconds(60), client: redis)))
    /// ```
    ///
    /// - Throws (when the chain is built): ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for a
    ///   limit below 1 or a window under one second.
    public static func redisFixedWindow(
        limit: Int, per window: Duration, client: RedisClient,
        failureMode: SharedFixedWindowCounter.FailureMode = .open, onError: (@Sendable (any Error) -> Void)? = nil
    ) -> RateLimit.Strategy {
        let shared = sharedFixedWindow(
            limit: limit, per: window, store: RedisFixedWindowStore(client: client), failureMode: failureMode,
            onError: onError)
        return RateLimit.Strategy(
            name: "redis-fixed-\(limit)-per-\(window.components.seconds)s", makeLimiter: shared.limiter(on:))
    }
}
