public import ParapetCore

/// A fixed-window rate limit shared by every proxy that counts in the same Redis: one atomic
/// increment per request, in a window aligned to the Unix epoch.
///
/// ``take(key:limit:window:)`` runs one Lua script (``script``) on the key
/// `parapet:rl:<key>:<window index>`: it increments the count, gives a new key an expiry at the end of
/// its window, and returns the count with the time the key has left. Requests over the limit are still
/// counted. Windows are numbered from the injected wall clock, so proxies sharing a limit should keep
/// their clocks in sync (NTP); a key never outlives its window.
///
/// When Redis fails or is slower than the client's timeout, the counter does not throw: it calls
/// ``onError`` and decides by its ``FailureMode`` — admitting (``FailureMode/open``, the default) or
/// refusing until the window ends (``FailureMode/closed``).
///
/// ```swift
/// let redis = RedisClient(configuration: RedisConfiguration(host: "redis.internal"))
/// let counter = RedisFixedWindowCounter(client: redis, wallClock: runtime.wallClock) { error in
///     logger.warning("rate limit store failed: \(error)")
/// }
/// let decision = await counter.take(key: clientIP, limit: 100, window: .seconds(60))
/// if !decision.isAllowed { /* 429, Retry-After: decision.retryAfter */ }
/// ```
///
/// See <doc:GlobalRateLimits> for wiring it into a rate-limiting middleware.
public struct RedisFixedWindowCounter: Sendable {
    /// What ``take(key:limit:window:)`` decides when Redis cannot answer.
    public enum FailureMode: Sendable, Hashable {
        /// Admit the request: an outage of the store does not become an outage of the site.
        case open
        /// Refuse the request until the current window ends.
        case closed
    }

    /// The increment-and-expire script: `INCR` the key; if it has no expiry yet (it is new), expire it
    /// after `ARGV[1]` milliseconds; return the count and the key's remaining time to live in
    /// milliseconds.
    ///
    /// ```swift
    /// let reply = try await client.evaluate(RedisFixedWindowCounter.script, keys: ["k"], arguments: ["1000"])
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

    /// The client the counter calls; its ``RedisConfiguration/timeout`` bounds every decision.
    public let client: RedisClient
    /// The clock that numbers the windows.
    public let wallClock: any WallClock
    /// What to decide when Redis fails.
    public var failureMode: FailureMode
    /// Prepended to every key; `parapet:rl:` by default.
    public var keyPrefix: String
    /// Called with the error whenever Redis fails or times out, before the fallback decision.
    public var onError: (@Sendable (any Error) -> Void)?

    /// Creates a counter on `client`, numbering windows by `wallClock`.
    public init(
        client: RedisClient,
        wallClock: any WallClock,
        failureMode: FailureMode = .open,
        keyPrefix: String = "parapet:rl:",
        onError: (@Sendable (any Error) -> Void)? = nil
    ) {
        self.client = client
        self.wallClock = wallClock
        self.failureMode = failureMode
        self.keyPrefix = keyPrefix
        self.onError = onError
    }

    /// Counts one request for `key` in the current window of length `window` (a window that is not
    /// positive counts as one second) and decides whether it is within `limit`.
    ///
    /// Never throws and never waits longer than the client's timeout.
    ///
    /// ```swift
    /// switch await counter.take(key: "203.0.113.7", limit: 60, window: .seconds(60)) {
    /// case .allowed(let count, _): print("request \(count) of 60")
    /// case .limited(_, let retryAfter): print("retry in \(retryAfter)")
    /// case .failedOpen: print("Redis is down; admitted")
    /// case .failedClosed(let retryAfter): print("Redis is down; retry in \(retryAfter)")
    /// }
    /// ```
    public func take(key: String, limit: Int, window: Duration) async -> Decision {
        let position = FixedWindowPosition(at: wallClock.now, window: window)
        do {
            let reply = try await client.evaluate(
                Self.script,
                keys: [keyPrefix + key + ":" + String(position.index)],
                arguments: [String(position.remainingMilliseconds)]
            )
            let (count, timeToLive) = try Self.countAndTimeToLive(in: reply)
            // The window ends for this proxy at the earlier of its own boundary and the key's expiry.
            let resetIn = Duration.milliseconds(min(max(timeToLive, 1), position.remainingMilliseconds))
            return count <= limit
                ? .allowed(count: count, resetIn: resetIn) : .limited(count: count, retryAfter: resetIn)
        } catch {
            onError?(error)
            switch failureMode {
            case .open: return .failedOpen
            case .closed: return .failedClosed(retryAfter: position.remaining)
            }
        }
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
