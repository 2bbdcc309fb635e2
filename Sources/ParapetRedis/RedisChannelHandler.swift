import NIOCore

/// The pipeline of one Redis connection: writes encoded commands, decodes replies with ``RESPReader``
/// and hands them to the requests waiting for them, first in, first out.
///
/// Any number of requests may be in flight. Each has a deadline; when one passes, that request fails
/// with ``RedisClientError/timedOut`` and the connection is **retired**: it takes no more requests
/// (its replies may be stuck behind a slow one), reports the loss to the pool at once, and closes once no
/// request is still waiting on it. Replies that arrive for timed-out requests are read and dropped, which
/// keeps the matching of later replies right. Flushes are coalesced: the commands of every call that
/// writes during one turn of the event loop go out together.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    /// A request whose replies have not all arrived.
    private struct Pending {
        let id: UInt64
        let promise: EventLoopPromise<[RedisReply]>
        var remaining: Int
        var replies: [RedisReply]
        var timer: Scheduled<Void>?
        /// Whether the promise is already failed (the request timed out) and replies are only drained.
        var isSettled = false
    }

    private enum State {
        /// Taking requests.
        case active
        /// Timed out: no new requests; closes when nothing still waits.
        case retired
        /// Closed, or failed and closing.
        case closed
    }

    private let reader: RESPReader
    /// Told once, when the connection stops taking requests: whether it ever answered, and whether it
    /// failed (timed out, or broke the protocol) rather than being closed.
    private let onLoss: @Sendable (_ hasAnswered: Bool, _ hasFailed: Bool) -> Void
    private var pending = CircularBuffer<Pending>(initialCapacity: 16)
    private var waitingCount = 0
    private var nextID: UInt64 = 0
    private var state = State.active
    private var hasAnswered = false
    private var hasFailed = false
    private var hasReportedLoss = false
    private var isFlushScheduled = false

    /// Creates the handler for one connection.
    init(
        maximumReplySize: Int, onLoss: @escaping @Sendable (_ hasAnswered: Bool, _ hasFailed: Bool) -> Void
    ) throws(RedisClientError) {
        self.reader = try RESPReader(maximumReplySize: maximumReplySize)
        self.onLoss = onLoss
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard state == .active else {
            request.promise.fail(RedisClientError.connectionClosed)
            promise?.fail(RedisClientError.connectionClosed)
            return
        }
        let id = nextID
        nextID &+= 1
        let timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: request.deadline) { [self] in
            self.expire(id, context: context)
        }
        pending.append(
            Pending(id: id, promise: request.promise, remaining: request.replyCount, replies: [], timer: timer))
        waitingCount += 1
        context.write(wrapOutboundOut(request.encoded), promise: promise)
    }

    /// Defers the flush to the end of the event loop's current round of tasks, so that commands written
    /// by many concurrent calls leave in one write rather than one system call each.
    func flush(context: ChannelHandlerContext) {
        guard !isFlushScheduled else { return }
        isFlushScheduled = true
        context.eventLoop.assumeIsolated().execute { [self] in
            isFlushScheduled = false
            context.flush()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state != .closed else { return }
        do {
            try reader.feed(unwrapInboundIn(data))
            while let reply = try reader.nextReply(allocator: context.channel.allocator) {
                try deliver(reply)
            }
        } catch {
            fail(with: error, context: context)
            return
        }
        closeIfRetiredAndIdle(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        failAll(with: .connectionClosed)
        reportLoss()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(with: .connectionFailed("\(error)"), context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(with: .connectionClosed)
    }

    /// Gives `reply` to the oldest waiting request.
    private func deliver(_ reply: RedisReply) throws(RedisClientError) {
        guard let head = pending.indices.first else {
            throw .protocolError("a reply arrived with no command waiting for it")
        }
        hasAnswered = true
        let isComplete = pending.modify(head) { request in
            request.remaining -= 1
            if !request.isSettled {
                request.replies.append(reply)
            }
            return request.remaining <= 0
        }
        guard isComplete else { return }
        let finished = pending.removeFirst()
        guard !finished.isSettled else { return }
        finished.timer?.cancel()
        waitingCount -= 1
        finished.promise.succeed(finished.replies)
    }

    /// Fails the request `id` with a timeout, if it still waits, and retires the connection.
    private func expire(_ id: UInt64, context: ChannelHandlerContext) {
        guard let index = pending.firstIndex(where: { $0.id == id }), !pending[index].isSettled else { return }
        let promise = pending.modify(index) { request in
            request.isSettled = true
            request.replies = []
            return request.promise
        }
        waitingCount -= 1
        promise.fail(RedisClientError.timedOut)
        if state == .active {
            state = .retired
            hasFailed = true
            reportLoss()
        }
        closeIfRetiredAndIdle(context: context)
    }

    /// Fails every waiting request with `error` and closes the connection.
    private func fail(with error: RedisClientError, context: ChannelHandlerContext) {
        guard state != .closed else { return }
        state = .closed
        hasFailed = true
        failAll(with: error)
        reportLoss()
        context.close(promise: nil)
    }

    private func failAll(with error: RedisClientError) {
        let failed = pending
        pending.removeAll()
        waitingCount = 0
        for request in failed where !request.isSettled {
            request.timer?.cancel()
            request.promise.fail(error)
        }
    }

    private func closeIfRetiredAndIdle(context: ChannelHandlerContext) {
        guard state == .retired, waitingCount == 0 else { return }
        state = .closed
        context.close(promise: nil)
    }

    private func reportLoss() {
        guard !hasReportedLoss else { return }
        hasReportedLoss = true
        onLoss(hasAnswered, hasFailed)
    }
}
