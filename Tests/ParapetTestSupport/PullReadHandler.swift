import NIOCore

/// Hands inbound bytes to one waiting reader at a time, issuing a socket read only on demand.
///
/// Every method runs on the channel's event loop, which makes the mutable state safe.
final class PullReadHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private var buffered: [ByteBuffer] = []
    private var waiting: EventLoopPromise<ByteBuffer?>?
    private var isFinished = false
    private var failure: (any Error)?
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        finish()
    }

    /// The next chunk, `nil` at end of stream; call on the channel's event loop.
    func nextChunk(on eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer?> {
        if !buffered.isEmpty {
            return eventLoop.makeSucceededFuture(buffered.removeFirst())
        }
        if let failure { return eventLoop.makeFailedFuture(failure) }
        guard !isFinished, let context else { return eventLoop.makeSucceededFuture(nil) }
        guard waiting == nil else {
            return eventLoop.makeFailedFuture(ChannelError.inappropriateOperationForState)
        }
        let promise = eventLoop.makePromise(of: ByteBuffer?.self)
        waiting = promise
        context.read()
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        if let waiting {
            self.waiting = nil
            waiting.succeed(bytes)
        } else {
            buffered.append(bytes)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failure = error
        if let waiting {
            self.waiting = nil
            waiting.fail(error)
        }
        context.close(promise: nil)
    }

    private func finish() {
        isFinished = true
        if let waiting {
            self.waiting = nil
            waiting.succeed(nil)
        }
    }
}
