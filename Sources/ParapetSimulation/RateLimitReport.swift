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
    /// Requests refused with `429`, over the limit or failing closed.
    public var limited: Int
    /// Decisions made without an answer from Redis (admitted when failing open, refused when closed).
    public var storeFailures: Int
    /// The calls the simulated Redis saw and how they ended.
    public var redis: SimulatedRedis.Tally
    /// The spans in which Redis was not up, in time order.
    public var outages: [RedisOutageWindow]
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
    /// Of which refused with `429`.
    public var limited: Int
    /// Decisions made without Redis in the window.
    public var storeFailures: Int
}
