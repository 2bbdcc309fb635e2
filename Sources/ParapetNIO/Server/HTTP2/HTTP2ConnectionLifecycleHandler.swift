import NIOCore
import NIOExtras
import NIOHTTP2

/// Watches the streams of an HTTP/2 connection (after NIO's HTTP/2 handler): it tells the idle deadline when
/// streams open and close, drains the connection when the server shuts down — a `GOAWAY` naming the last
/// stream the server will serve, then closing once the open streams finished — and sends that `GOAWAY`
/// before any other close the server makes (an idle deadline, the end of the grace period), so the client
/// knows which requests were not served and may retry them.
final class HTTP2ConnectionLifecycleHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame
    typealias OutboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private let timeouts: ConnectionTimeouts
    private var context: ChannelHandlerContext?
    private var openStreams = 0
    private var lastStreamID = HTTP2StreamID.rootStream
    private var isDraining = false
    /// A `GOAWAY` went out: no other is due before closing.
    private var hasSentGoAway = false

    /// Receives swift-nio-http2's stream events — which its inline stream multiplexer reports to a delegate,
    /// not down the pipeline — for the handler, on the connection's event loop.
    struct StreamEvents: NIOHTTP2StreamDelegate {
        let handler: NIOLoopBound<HTTP2ConnectionLifecycleHandler>

        func streamCreated(_ id: HTTP2StreamID, channel: any Channel) { handler.value.streamOpened(id) }

        func streamClosed(_ id: HTTP2StreamID, channel: any Channel) { handler.value.streamClosed() }
    }

    init(timeouts: ConnectionTimeouts) {
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        timeouts.record { deadlines, now in deadlines.switchedToHTTP2(at: now) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    private func streamOpened(_ id: HTTP2StreamID) {
        openStreams += 1
        lastStreamID = max(lastStreamID, id)
        timeouts.record { deadlines, now in deadlines.streamOpened(at: now) }
    }

    private func streamClosed() {
        openStreams = max(openStreams - 1, 0)
        timeouts.record { deadlines, now in deadlines.streamClosed(at: now) }
        guard isDraining, openStreams == 0, let context else { return }
        // The last stream's final frame may not be flushed yet: close once a final GOAWAY, written after
        // it, is out. Outside the HTTP/2 handler's callback, which this is called from.
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            guard let context = bound.value.context else { return }
            context.close(after: bound.value.sendGoAway(context: context))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            drain(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // HEADERS on a stream the client already ended is a stream error of type STREAM_CLOSED (RFC 9113 §5.1),
        // but swift-nio-http2 resets the stream with PROTOCOL_ERROR. A client doing that is broken, and §5.4.1
        // lets any stream error end the connection: GOAWAY(STREAM_CLOSED), after which HTTP2WireHandler closes.
        if let error = error as? NIOHTTP2Errors.BadStreamStateTransition,
            error.fromState == .halfClosedRemoteLocalIdle || error.fromState == .halfClosedRemoteLocalActive,
            !hasSentGoAway
        {
            _ = sendGoAway(context: context, errorCode: .streamClosed)
        }
        context.fireErrorCaught(error)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, !hasSentGoAway, context.channel.isActive else {
            context.close(mode: mode, promise: promise)
            return
        }
        context.close(after: sendGoAway(context: context), mode: mode, promise: promise)
    }

    /// Tells the client that no stream after the last one it opened will be served, then closes as soon
    /// as no stream is open.
    private func drain(context: ChannelHandlerContext) {
        guard !isDraining else { return }
        isDraining = true
        let goAway = sendGoAway(context: context)
        if openStreams == 0 {
            context.close(after: goAway)
        }
    }

    private func sendGoAway(
        context: ChannelHandlerContext,
        errorCode: HTTP2ErrorCode = .noError
    ) -> EventLoopFuture<Void> {
        hasSentGoAway = true
        let goAway = HTTP2Frame(
            streamID: .rootStream,
            payload: .goAway(lastStreamID: lastStreamID, errorCode: errorCode, opaqueData: nil)
        )
        return context.writeAndFlush(wrapOutboundOut(goAway))
    }
}

@available(*, unavailable)
extension HTTP2ConnectionLifecycleHandler: Sendable {}
