public import NIOCore

/// One reply from Redis, in one of the six shapes of RESP2 (the protocol Redis speaks unless a client
/// asks for RESP3, which ``RedisClient`` never does).
///
/// An error reply is a value, not a thrown error: Redis answered, and a pipeline of commands can mix
/// errors with results. ``RedisClient`` throws only when no reply came (a timeout, a lost connection, a
/// malformed stream).
///
/// ```swift
/// switch try await client.send(["GET", "greeting"]) {
/// case .bulkString(let value): print(String(buffer: value))
/// case .null: print("no such key")
/// case .error(let message): print("Redis refused: \(message)")
/// default: print("unexpected reply")
/// }
/// ```
public enum RedisReply: Sendable, Hashable {
    /// A status line such as `OK` or `PONG` (`+OK`).
    case simpleString(String)
    /// An error line such as `ERR unknown command` or `NOSCRIPT …` (`-ERR …`).
    case error(String)
    /// A signed 64-bit integer (`:42`).
    case integer(Int64)
    /// A binary-safe string (`$5\r\nhello`).
    case bulkString(ByteBuffer)
    /// An ordered list of replies, possibly nested (`*2\r\n…`).
    case array([RedisReply])
    /// No value: a missing key, or a null array (`$-1`, `*-1`).
    case null
}

extension RedisReply {
    /// The text of a simple string or of a bulk string (decoded as UTF-8, invalid sequences repaired);
    /// `nil` for every other shape.
    ///
    /// ```swift
    /// let value = try await client.send(["GET", "greeting"]).stringValue  // "hello" or nil
    /// ```
    public var stringValue: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes): String(buffer: bytes)
        default: nil
        }
    }
}
