import NIOCore

extension RedisClient {
    /// Runs `script` with `EVALSHA`, falling back to `EVAL` (which also caches it) when Redis does not
    /// know the script. Both attempts share one timeout.
    ///
    /// - Returns: the script's reply; an error raised by the script comes back as ``RedisReply/error(_:)``.
    /// - Throws: ``RedisClientError`` when no reply arrives.
    ///
    /// ```swift
    /// let script = RedisScript("return redis.call('GET', KEYS[1])")
    /// let value = try await client.evaluate(script, keys: ["greeting"])
    /// ```
    public func evaluate(
        _ script: RedisScript, keys: [String] = [], arguments: [String] = [], timeout: Duration? = nil
    ) async throws -> RedisReply {
        let deadline = deadline(after: timeout)
        let parameters = ["\(keys.count)"] + keys + arguments
        let reply = try await send(RedisCommand(["EVALSHA", script.sha1] + parameters), deadline: deadline)
        guard case .error(let message) = reply, message.hasPrefix("NOSCRIPT") else { return reply }
        return try await send(RedisCommand(["EVAL", script.source] + parameters), deadline: deadline)
    }
}
