import NIOCore
import ParapetCore

/// Carries the bytes of an upstream connection that switched protocols (`101`, e.g. WebSocket) once the
/// HTTP/1.1 handlers have left its pipeline.
///
/// What the upstream sends streams to the caller as the `101` response's body, with backpressure (reads
/// pause while the reader lags). What the client sends — the request's upgraded inbound bytes — is
/// written by an upload task, one write at a time; when the client's side ends, the connection's output
/// is shut so the upstream sees the end too. Whichever side gives up first closes the connection: the
/// reader dropping the body, the client's bytes failing, or the upstream closing. Every method runs on the
/// channel's event loop.
final class UpstreamTunnelHandler: ChannelDuplexHandler, UpstreamBodyDemandReceiver {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?
    private var body: UpstreamResponseBody<UpstreamTunnelHandler>?
    private var upload: Task<Void, Never>?
    private var isReadPaused = false
    private var hasHeldRead = false
    private var isClosed = false
    /// Told once, when the connection closes (the pool frees its slot then).
    private var closed: (() -> Void)?

    init(closed: (() -> Void)?) {
        self.closed = closed
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        tunnelClosed(error: nil)
        self.context = nil
    }

    /// Opens the tunnel: returns the body carrying the upstream's bytes and starts sending `inbound` (the
    /// client's bytes) on a task that prefers `executor`.
    func open(sending inbound: HTTPBody?, executor: UpstreamLoopExecutor?) -> HTTPBody {
        guard let context, !isClosed else { return HTTPBody(stream: UpstreamNoChunks()) }
        let (source, chunks) = UpstreamResponseBody.make(receiver: self, eventLoop: context.eventLoop, exchange: 0)
        body = source
        if let inbound {
            let channel = context.channel
            upload = Task(executorPreference: executor) { await UpstreamTunnelHandler.send(inbound, to: channel) }
        }
        return HTTPBody(stream: chunks)
    }

    /// Writes the client's bytes to `channel`, then shuts its output; closes it when the client's side fails.
    private static func send(_ inbound: HTTPBody, to channel: any Channel) async {
        do {
            for try await chunk in inbound where chunk.readableBytes > 0 {
                try await channel.writeAndFlush(chunk)
            }
            try await channel.close(mode: .output)
        } catch {
            try? await channel.close()
        }
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let chunk = unwrapInboundIn(data)
        guard chunk.readableBytes > 0, let body else { return }
        if !body.yield(chunk) { isReadPaused = true }
    }

    func channelInactive(context: ChannelHandlerContext) {
        tunnelClosed(error: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        tunnelClosed(error: error)
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            // The upstream is done sending; the client may still be.
            body?.finish()
            body = nil
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: outbound

    func read(context: ChannelHandlerContext) {
        if isReadPaused {
            hasHeldRead = true
        } else {
            context.read()
        }
    }

    // MARK: UpstreamBodyDemandReceiver

    func resumeReading(exchange: Int) {
        isReadPaused = false
        if hasHeldRead, let context {
            hasHeldRead = false
            context.read()
        }
    }

    func bodyReaderGone(exchange: Int) {
        body = nil
        context?.close(promise: nil)
    }

    // MARK: closing

    private func tunnelClosed(error: (any Error)?) {
        guard !isClosed else { return }
        isClosed = true
        if let error {
            body?.fail(error)
        } else {
            body?.finish()
        }
        body = nil
        upload?.cancel()
        upload = nil
        let closed = self.closed
        self.closed = nil
        closed?()
    }
}

@available(*, unavailable)
extension UpstreamTunnelHandler: Sendable {}
