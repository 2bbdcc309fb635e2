import NIOCore
import ParapetCore

/// Holds back a trusted connection's first bytes until they make a PROXY-protocol header (or plainly do
/// not start one), records the header on the connection, then hands the rest of the stream on and leaves
/// the pipeline.
///
/// Only this connection is closed, with a ``ProxyProtocolError`` fired down the pipeline first, when the
/// header is malformed, when no complete header arrives within `headerTimeout`, or when a header is
/// required and the stream starts with something else.
final class ProxyProtocolHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum State {
        case reading
        case passingThrough
        case failed
    }

    private let connection: AcceptedConnection
    private let isRequired: Bool
    private let headerTimeout: TimeAmount?
    private var state = State.reading
    private var parser = ProxyProtocolParser()
    private var received: ByteBuffer?
    private var timeout: Scheduled<Void>?

    /// - Parameters:
    ///   - connection: the facts to rewrite once the header is read.
    ///   - isRequired: whether a stream without a header is closed rather than passed through.
    ///   - headerTimeout: how long the whole header may take from the moment the handler is added;
    ///     `nil` for no limit.
    init(connection: AcceptedConnection, isRequired: Bool, headerTimeout: TimeAmount?) {
        self.connection = connection
        self.isRequired = isRequired
        self.headerTimeout = headerTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard let headerTimeout else { return }
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: headerTimeout) { [self] in
            fail(.timedOut, context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimeout()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .reading:
            break
        case .passingThrough:
            context.fireChannelRead(data)
            return
        case .failed:
            return
        }
        var chunk = unwrapInboundIn(data)
        received.setOrWriteBuffer(&chunk)
        guard let buffered = received else { return }
        switch parser.parse(buffered.readableBytesView) {
        case .needMoreData:
            return
        case .header(let header, let consumed):
            connection.update { info in
                info.proxyProtocol = header
                // Only an IP client replaces the peer. A UNIX-family source names a socket on the balancer's
                // host, which says nothing about who the client is: taking it would leave the request with
                // no address to trust, forward or rate-limit by, so the balancer's own address stays.
                if header.command == .proxy, let source = header.source, source.ipAddress != nil {
                    info.peer = source
                }
            }
            passThrough(context: context, skipping: consumed)
        case .notProxyProtocol:
            if isRequired {
                fail(.missingHeader, context: context)
            } else {
                passThrough(context: context, skipping: 0)
            }
        case .invalid(let error):
            fail(error, context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        switch state {
        case .reading:
            // Nothing went downstream, so nothing downstream will ask for more: ask here when reads are manual.
            if context.channel.isActive, (try? context.channel.syncOptions?.getOption(.autoRead)) == false {
                context.read()
            }
        case .passingThrough:
            context.fireChannelReadComplete()
        case .failed:
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if state == .reading, let event = event as? ChannelEvent, event == .inputClosed {
            fail(.truncated, context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimeout()
        context.fireChannelInactive()
    }

    /// Forwards what follows the header and leaves the pipeline.
    private func passThrough(context: ChannelHandlerContext, skipping consumed: Int) {
        state = .passingThrough
        cancelTimeout()
        if var rest = received {
            received = nil
            rest.moveReaderIndex(forwardBy: min(consumed, rest.readableBytes))
            if rest.readableBytes > 0 {
                context.fireChannelRead(wrapInboundOut(rest))
            }
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func fail(_ error: ProxyProtocolError, context: ChannelHandlerContext) {
        guard state == .reading else { return }
        state = .failed
        cancelTimeout()
        received = nil
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func cancelTimeout() {
        timeout?.cancel()
        timeout = nil
    }
}
