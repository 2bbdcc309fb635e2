import NIOCore

/// One open connection of the pool: a channel whose pipeline ends in a ``RedisChannelHandler``.
struct RedisConnection: Sendable {
    let channel: any Channel

    /// Writes `encoded` (`replyCount` commands) and returns the future of their replies, which fails
    /// at `deadline` if they have not all arrived.
    func send(_ encoded: ByteBuffer, replyCount: Int, deadline: NIODeadline) -> EventLoopFuture<[RedisReply]> {
        let promise = channel.eventLoop.makePromise(of: [RedisReply].self)
        let request = RedisRequest(encoded: encoded, replyCount: replyCount, deadline: deadline, promise: promise)
        // A write the handler never sees (the channel closed in between) must not leave the call waiting.
        channel.writeAndFlush(request).whenFailure { _ in
            promise.fail(RedisClientError.connectionClosed)
        }
        return promise.futureResult
    }
}
