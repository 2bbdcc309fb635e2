/// Why a ``RedisClient`` call produced no reply.
///
/// A reply that is a Redis error (`-ERR …`) is not one of these: it arrives as ``RedisReply/error(_:)``.
///
/// ```swift
/// do {
///     _ = try await client.send(["PING"])
/// } catch RedisClientError.timedOut {
///     // no reply within the call's timeout; the connection is retired
/// }
/// ```
public enum RedisClientError: Error, Hashable, Sendable {
    /// No reply arrived within the call's timeout (which covers waiting for a connection too).
    case timedOut
    /// No connection is open and reconnection is backing off after failures: the call fails at once
    /// rather than waiting.
    case unavailable
    /// The connection could not be opened, or broke; the text describes the underlying error.
    case connectionFailed(String)
    /// The connection closed before the reply arrived.
    case connectionClosed
    /// The server sent bytes that are not valid RESP, a reply nobody asked for, or a reply larger than
    /// ``RedisConfiguration/maximumReplySize``. The connection is closed.
    case protocolError(String)
    /// The command cannot be encoded (it has no words, or too many).
    case invalidCommand
    /// The client was closed with ``RedisClient/close()``.
    case clientClosed
    /// Redis answered with an error where a value was expected (a script's caller received
    /// ``RedisReply/error(_:)``).
    case serverError(String)
    /// Redis answered with a reply of a shape the caller cannot use.
    case unexpectedReply(RedisReply)
}
