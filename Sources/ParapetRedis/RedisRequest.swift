import NIOCore

/// What a ``RedisClient`` call writes into a connection's pipeline: already-encoded commands, how many
/// replies they produce, when to stop waiting for them, and where the replies go.
struct RedisRequest: Sendable {
    /// The RESP encoding of one or more commands.
    var encoded: ByteBuffer
    /// The number of commands in ``encoded``: the number of replies that complete the request.
    var replyCount: Int
    /// When the call times out.
    var deadline: NIODeadline
    /// Completed with the replies in order, or failed with a ``RedisClientError``.
    var promise: EventLoopPromise<[RedisReply]>
}
