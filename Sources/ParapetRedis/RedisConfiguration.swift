/// Where a ``RedisClient`` connects and how it bounds its calls.
///
/// The defaults suit a rate limiter on the request path: four pipelined connections, a 100 ms budget
/// per call, and quick, capped reconnection after the server goes away.
///
/// ```swift
/// var configuration = RedisConfiguration(host: "redis.internal", port: 6379)
/// configuration.poolSize = 8
/// configuration.timeout = .milliseconds(50)
/// let client = RedisClient(configuration: configuration)
/// ```
public struct RedisConfiguration: Sendable, Hashable {
    /// The server's host name or IP address.
    public var host: String
    /// The server's TCP port.
    public var port: Int
    /// How many connections the pool keeps open; each carries any number of pipelined commands.
    /// Values below 1 are treated as 1.
    public var poolSize: Int = 4
    /// The default budget of one call, from the moment it is made until its reply: waiting for a
    /// connection counts against it. A call that runs out throws ``RedisClientError/timedOut``.
    public var timeout: Duration = .milliseconds(100)
    /// How long one attempt to open a connection may take before it counts as failed.
    public var connectTimeout: Duration = .seconds(1)
    /// The delays between attempts to reconnect after failures.
    public var reconnectBackoff = RedisBackoff()
    /// The most bytes of one unfinished reply the client buffers before it gives up on the connection
    /// with ``RedisClientError/protocolError(_:)``.
    public var maximumReplySize: Int = 64 << 20

    /// Creates a configuration for the server at `host`:`port`, with the default pool and limits.
    ///
    /// ```swift
    /// let local = RedisConfiguration()  // 127.0.0.1:6379
    /// ```
    public init(host: String = "127.0.0.1", port: Int = 6379) {
        self.host = host
        self.port = port
    }
}

/// Exponential backoff between reconnection attempts: the first retry waits ``initial``, each further
/// consecutive failure doubles the wait, up to ``maximum``.
///
/// While every connection is backing off, calls fail at once with ``RedisClientError/unavailable``
/// instead of waiting; the first call after the delay opens a new connection.
///
/// ```swift
/// var configuration = RedisConfiguration()
/// configuration.reconnectBackoff = RedisBackoff(initial: .milliseconds(20), maximum: .milliseconds(500))
/// ```
public struct RedisBackoff: Sendable, Hashable {
    /// The delay after the first failure.
    public var initial: Duration
    /// The longest delay.
    public var maximum: Duration

    /// Creates a backoff starting at `initial` and capped at `maximum`.
    public init(initial: Duration = .milliseconds(50), maximum: Duration = .seconds(1)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before the next attempt after `failures` consecutive failures (zero for none).
    func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = max(.zero, min(initial, maximum))
        var doublings = failures - 1
        while doublings > 0, delay > .zero, delay < maximum {
            delay = delay > maximum / 2 ? maximum : delay * 2
            doublings -= 1
        }
        return delay
    }
}
