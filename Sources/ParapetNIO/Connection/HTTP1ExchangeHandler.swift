import NIOCore
import NIOHTTP1

/// Watches the request/response exchanges of an HTTP/1 connection, after NIO's pipelining handler:
/// it feeds the connection's deadlines, and answers a request that fails to parse — `431` when its head
/// is too large, `400` otherwise — when no response has started yet, before the connection closes.
final class HTTP1ExchangeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let timeouts: ConnectionTimeouts
    private var hasUnfinishedResponse = false

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            timeouts.record { deadlines, now in deadlines.requestHeadReceived(at: now) }
        case .body:
            break
        case .end:
            timeouts.record { deadlines, _ in deadlines.requestEnded() }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200 || head.status.code == 101:
            hasUnfinishedResponse = true
        case .head, .body:
            break
        case .end:
            hasUnfinishedResponse = false
            timeouts.record { deadlines, now in deadlines.responseEnded(at: now) }
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parseError = error as? HTTPParserError, !hasUnfinishedResponse {
            let status: HTTPResponseStatus = parseError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
            let head = HTTPResponseHead(
                version: .http1_1,
                status: status,
                headers: ["Connection": "close", "Content-Length": "0"]
            )
            hasUnfinishedResponse = true
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.fireErrorCaught(error)
    }
}

@available(*, unavailable)
extension HTTP1ExchangeHandler: Sendable {}
