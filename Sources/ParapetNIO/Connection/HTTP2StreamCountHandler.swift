import NIOCore
import NIOHTTP2

/// Counts the open streams of an HTTP/2 connection (after NIO's HTTP/2 handler) so that the idle
/// deadline only runs while no stream is open.
final class HTTP2StreamCountHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame

    private let timeouts: ConnectionTimeouts

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        timeouts.record { deadlines, now in deadlines.switchedToHTTP2(at: now) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is NIOHTTP2StreamCreatedEvent {
            timeouts.record { deadlines, _ in deadlines.streamOpened() }
        } else if event is StreamClosedEvent {
            timeouts.record { deadlines, now in deadlines.streamClosed(at: now) }
        }
        context.fireUserInboundEventTriggered(event)
    }
}

@available(*, unavailable)
extension HTTP2StreamCountHandler: Sendable {}
