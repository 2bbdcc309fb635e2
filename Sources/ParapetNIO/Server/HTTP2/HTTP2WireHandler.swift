import NIOCore

/// Sits between an HTTP/2 connection's bytes and NIO's HTTP/2 handler: it tells the connection's deadlines
/// that frames are moving (with a stream open, a connection is idle only when no frame is read or written), and
/// closes the connection once a `GOAWAY` reporting an error has been written.
///
/// swift-nio-http2 answers a connection error (a malformed frame, a header list over the limit, too many
/// `RST_STREAM`s) with such a `GOAWAY` but does not close the connection itself, and RFC 9113 §5.4.1 requires
/// the close; ``HTTP2OutboundFrameScanner`` finds the `GOAWAY` in the written bytes.
///
/// The close lingers, as nginx's does: closing a socket with unread input makes the kernel answer with a
/// reset, and a reset can destroy the `GOAWAY` in the client's receive buffer before the client reads it —
/// a rapid-reset client, still sending, would never learn why. So the output closes first (the `GOAWAY`,
/// then a FIN), and whatever the client still sends is read and dropped until it closes or
/// ``lingerLimit`` passes.
final class HTTP2WireHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let timeouts: ConnectionTimeouts
    private var scanner = HTTP2OutboundFrameScanner()
    private var isClosing = false
    private var context: ChannelHandlerContext?
    private var lingerTimer: Scheduled<Void>?

    /// How long a connection closed for an error keeps reading what the client still sends.
    static let lingerLimit = TimeAmount.seconds(2)

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        lingerTimer?.cancel()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isClosing else { return }
        timeouts.record { deadlines, now in deadlines.framesExchanged(at: now) }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let errorCodes: [UInt32]
        switch unwrapOutboundIn(data) {
        case .byteBuffer(let buffer):
            errorCodes = scanner.scan(buffer.readableBytesView)
        case .fileRegion(let region):
            scanner.skip(region.readableBytes)
            errorCodes = []
        }
        guard !isClosing, errorCodes.contains(where: { $0 != 0 }) else {
            context.write(data, promise: promise)
            return
        }
        isClosing = true
        let written = promise ?? context.eventLoop.makePromise()
        context.write(data, promise: written)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        // Also when the GOAWAY never leaves: a client that reads nothing keeps the write pending.
        lingerTimer = context.eventLoop.scheduleTask(in: Self.lingerLimit) { bound.value.context?.close(promise: nil) }
        written.futureResult.whenComplete { _ in
            guard let context = bound.value.context else { return }
            let outputClosed = context.eventLoop.makePromise(of: Void.self)
            context.close(mode: .output, promise: outputClosed)
            outputClosed.futureResult.whenFailure { _ in bound.value.context?.close(promise: nil) }
        }
    }

    func flush(context: ChannelHandlerContext) {
        timeouts.record { deadlines, now in deadlines.framesExchanged(at: now) }
        context.flush()
    }
}

@available(*, unavailable)
extension HTTP2WireHandler: Sendable {}
