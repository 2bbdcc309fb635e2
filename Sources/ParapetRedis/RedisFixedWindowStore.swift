public import ParapetRateLimit

/// The ``ParapetRateLimit/FixedWindowStore`` of a global rate limit in Redis: each increment is one Lua
/// script (``script``), atomic on the server, so any number of proxies sharing the server count exactly.
///
/// Every call is bounded by the client's ``RedisConfiguration/timeout`` and throws ``RedisClientError`` when
/// Redis fails, is unreachable or answers too late; the ``ParapetRateLimit/SharedFixedWindowCounter`` on top
/// turns that into its fail-open or fail-closed decision.
///
/// ```swift
/// let redis = RedisClient(configuration: RedisConfiguration(host: "redis.internal"))
/// let counter = SharedFixedWindowCounter(store: RedisFixedWindowStore(client: redis), wallClock: runtime.wallClock)
/// ```
public struct RedisFixedWindowStore: FixedWindowStore {
    /// The increment-and-expire script: `INCR` the key; if it has no expiry yet (it is new), expire it
    /// after `ARGV[1]` milliseconds; return the count and the key's remaining time to live in
    /// milliseconds.
    ///
    /// ```swift
    /// let reply = try await client.evaluate(RedisFixedWindowStore.script, keys: ["k"], arguments: ["1000"])
    /// // .array([.integer(1), .integer(1000)])
    /// ```
    public static let script = RedisScript(
        """
        local count = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          ttl = tonumber(ARGV[1])
          redis.call('PEXPIRE', KEYS[1], ttl)
        end
        return {count, ttl}
        """
    )

    /// The client the store calls; its ``RedisConfiguration/timeout`` bounds every increment.
    public let client: RedisClient

    /// Creates a store that counts in the Redis `client` connects to.
    public init(client: RedisClient) {
        self.client = client
    }

    /// Runs ``script`` on `key`.
    ///
    /// - Throws: ``RedisClientError``: no reply within the client's timeout, no connection, or a reply that
    ///   is a Redis error (a key that holds something other than a count) or of the wrong shape.
    public func increment(_ key: String, expiringNewKeyAfter milliseconds: Int64) async throws
        -> (count: Int, timeToLive: Int64)
    {
        let reply = try await client.evaluate(Self.script, keys: [key], arguments: [String(milliseconds)])
        return try Self.countAndTimeToLive(in: reply)
    }

    /// The script's `{count, ttl}` reply.
    private static func countAndTimeToLive(in reply: RedisReply) throws(RedisClientError) -> (Int, Int64) {
        if case .error(let message) = reply { throw .serverError(message) }
        guard case .array(let values) = reply, values.count == 2,
            case .integer(let count) = values[0], case .integer(let timeToLive) = values[1]
        else { throw .unexpectedReply(reply) }
        return (Int(clamping: count), timeToLive)
    }
}
