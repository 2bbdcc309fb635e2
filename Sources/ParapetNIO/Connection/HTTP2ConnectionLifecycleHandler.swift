import NIOCore
import NIOExtras
import NIOHTTP2

/// Watches the streams of an HTTP/2 connection (after NIO's HTTP/2 handler): it keeps the idle deadline
/// running only while no stream is open, and drains the connection when the server shuts down — a
/// `GOAWAY` naming the last stream the server will serve, then closing once the open streams finished.
final class HTTP2ConnectionLifecycleHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame
    typealias OutboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private let timeouts: ConnectionTimeouts
    private var openStreams = 0
    private var lastStreamID = HTTP2StreamID.rootStream
    private var isDraining = false

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        timeouts.record { deadlines, now in deadlines.switchedToHTTP2(at: now) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let created = event as? NIOHTTP2StreamCreatedEvent {
            openStreams += 1
            lastStreamID = max(lastStreamID, created.streamID)
            timeouts.record { deadlines, _ in deadlines.streamOpened() }
        } else if event is StreamClosedEvent {
            openStreams = max(openStreams - 1, 0)
            timeouts.record { deadlines, now in deadlines.streamClosed(at: now) }
            if isDraining, openStreams == 0 {
                context.close(promise: nil)
            }
        } else if event is ChannelShouldQuiesceEvent {
            drain(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Tells the client that no stream after the last one it opened will be served, then closes as soon
    /// as no stream is open.
    private func drain(context: ChannelHandlerContext) {
        guard !isDraining else { return }
        isDraining = true
        let goAway = HTTP2Frame(
            streamID: .rootStream,
            payload: .goAway(lastStreamID: lastStreamID, errorCode: .noError, opaqueData: nil)
        )
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(goAway)).whenComplete { [openStreams] _ in
            if openStreams == 0 {
                channel.close(promise: nil)
            }
        }
    }
}

@available(*, unavailable)
extension HTTP2ConnectionLifecycleHandler: Sendable {}
