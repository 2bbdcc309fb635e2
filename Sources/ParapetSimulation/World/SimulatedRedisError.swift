/// Why a ``SimulatedRedis`` call produced no reply: the failures of the real client that the simulation
/// reproduces, named after their `RedisClientError` counterparts in `ParapetRedis`.
///
/// ```swift
/// do {
///     _ = try await redis.increment("k", expiringNewKeyAfter: 1_000)
/// } catch SimulatedRedisError.timedOut {
///     // the client's timeout passed: the server is cut off, or slower than the timeout
/// }
/// ```
public enum SimulatedRedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Nothing listens: the server is down, and the call fails at once — as the real client does with
    /// `RedisClientError.unavailable` while it backs off, or `connectionFailed` when a connection attempt is
    /// refused.
    case unavailable
    /// No reply within the client's timeout: the server is cut off, or slower than the timeout
    /// (`RedisClientError.timedOut`).
    case timedOut
    /// The server went down while the reply was on its way (`RedisClientError.connectionClosed`).
    case connectionClosed

    /// A short description.
    ///
    /// ```swift
    /// print(SimulatedRedisError.timedOut)  // timed out
    /// ```
    public var description: String {
        switch self {
        case .unavailable: "unavailable"
        case .timedOut: "timed out"
        case .connectionClosed: "connection closed"
        }
    }
}
