import NIOCore

/// Sits between an HTTP/2 connection's bytes and NIO's HTTP/2 handler: it tells the connection's deadlines
/// that frames are moving (with a stream open, a connection is idle only when no frame is read or written), and
/// closes the connection once a `GOAWAY` reporting an error has been written.
///
/// swift-nio-http2 answers a connection error (a malformed frame, a header list over the limit, too many
/// `RST_STREAM`s) with such a `GOAWAY` but does not close the connection itself, and RFC 9113 §5.4.1 requires
/// the close; ``HTTP2OutboundFrameScanner`` finds the `GOAWAY` in the written bytes.
final class HTTP2WireHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let timeouts: ConnectionTimeouts
    private var scanner = HTTP2OutboundFrameScanner()
    private var isClosing = false

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
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
        context.close(after: written.futureResult)
    }

    func flush(context: ChannelHandlerContext) {
        timeouts.record { deadlines, now in deadlines.framesExchanged(at: now) }
        context.flush()
    }
}

@available(*, unavailable)
extension HTTP2WireHandler: Sendable {}
