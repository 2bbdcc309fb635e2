/// What a stack's global rate limit did: its refusals, the decisions it made without Redis, the calls Redis
/// saw, and each Redis outage — where a fail-open limit keeps admitting and a fail-closed one refuses.
///
/// ```swift
/// let limit = try #require(report.stack("fail-open").rateLimit)
/// #expect(limit.outages.allSatisfy { $0.limited == 0 })          // failing open: nothing refused
/// ```
public struct RateLimitReport: Sendable, Hashable, Codable {
    /// Requests admitted per window.
    public var limit: Int
    /// The window.
    @Milliseconds public var window: Duration
    /// `open` or `closed`: what the limiter decides when Redis does not answer.
    public var failureMode: String
    /// Requests the limit refused (`429`), over the limit or failing closed.
    public var limited: Int
    /// Decisions made without an answer from Redis (admitted when failing open, refused when closed).
    public var storeFailures: Int
    /// The calls the simulated Redis saw and how they ended.
    public var redis: RedisCalls
    /// The spans in which Redis was not up, in time order.
    public var outages: [RedisOutageWindow]
}

extension RateLimitReport {
    /// The calls a run's simulated Redis saw, and how they ended (see `SimulatedRedis.Tally`).
    public struct RedisCalls: Sendable, Hashable, Codable {
        /// Calls made.
        public var calls: Int
        /// Calls answered with a count.
        public var answered: Int
        /// Calls that failed at once: Redis was down, or went down under the reply.
        public var refused: Int
        /// Calls that failed at the client's timeout: Redis was cut off, or slower than the timeout.
        public var timedOut: Int

        init(_ tally: SimulatedRedis.Tally) {
            calls = tally.calls
            answered = tally.answered
            refused = tally.refused
            timedOut = tally.timedOut
        }
    }
}

/// A span in which the scenario's Redis was down or cut off, and what the limiter did meanwhile.
public struct RedisOutageWindow: Sendable, Hashable, Codable {
    /// The state Redis entered at the start: `down` or `partitioned`.
    public var state: String
    /// Start, from the start of the run.
    @Milliseconds public var from: Duration
    /// End (exclusive): Redis back up, or the end of the run.
    @Milliseconds public var to: Duration
    /// Client requests that arrived in the window.
    public var requests: Int
    /// Of which answered 2xx/3xx.
    public var successes: Int
    /// Of which the limit refused.
    public var limited: Int
    /// Of which the limit decided without an answer from Redis.
    public var storeFailures: Int
}
