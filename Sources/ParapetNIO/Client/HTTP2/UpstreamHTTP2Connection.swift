import HTTPTypes
import NIOCore
import NIOHTTP2
import ParapetCore
import Synchronization

/// One multiplexed HTTP/2 connection to an upstream: each exchange opens a stream on it.
final class UpstreamHTTP2Connection: Sendable {
    let channel: any Channel
    private let multiplexer: NIOHTTP2Handler.StreamMultiplexer
    private let executor: UpstreamLoopExecutor?
    private let responseHeaderTimeout: TimeAmount?

    var eventLoop: any EventLoop { channel.eventLoop }

    /// Adds the HTTP/2 client handlers to a connected `channel`; `onGone` hears once when the connection
    /// closes or the server sends `GOAWAY`. Call on the channel's event loop.
    static func configure(
        _ channel: any Channel, settings: UpstreamHTTP2Settings, executor: UpstreamLoopExecutor?,
        onGone: @escaping @Sendable (UpstreamHTTP2Connection) -> Void
    ) throws -> UpstreamHTTP2Connection {
        channel.eventLoop.preconditionInEventLoop()
        guard channel.isActive else { throw UpstreamConnectionClosed() }
        var connectionConfiguration = NIOHTTP2Handler.ConnectionConfiguration()
        connectionConfiguration.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: 100),
            HTTP2Setting(parameter: .initialWindowSize, value: settings.windowSize),
            HTTP2Setting(parameter: .enablePush, value: 0),
        ]
        var streamConfiguration = NIOHTTP2Handler.StreamConfiguration()
        streamConfiguration.targetWindowSize = settings.windowSize
        let monitor = UpstreamHTTP2ConnectionMonitor(idleTimeout: settings.idleTimeout)
        var configured: NIOHTTP2Handler.StreamMultiplexer?
        try channel.addUpstreamProtocolHandlers { operations in
            configured = try operations.configureHTTP2Pipeline(
                mode: .client, connectionConfiguration: connectionConfiguration,
                streamConfiguration: streamConfiguration, inboundStreamInitializer: { stream in stream.close() })
            try operations.addHandler(monitor)
        }
        guard let multiplexer = configured else { throw UpstreamConnectionClosed() }
        let connection = UpstreamHTTP2Connection(
            channel: channel, multiplexer: multiplexer, executor: executor,
            responseHeaderTimeout: settings.responseHeaderTimeout)
        monitor.onGone = { onGone(connection) }
        return connection
    }

    private init(
        channel: any Channel, multiplexer: NIOHTTP2Handler.StreamMultiplexer, executor: UpstreamLoopExecutor?,
        responseHeaderTimeout: TimeAmount?
    ) {
        self.channel = channel
        self.multiplexer = multiplexer
        self.executor = executor
        self.responseHeaderTimeout = responseHeaderTimeout
    }

    /// Opens a stream and runs one exchange on it.
    ///
    /// - Throws: ``UpstreamExchangeFailure`` (`.notStarted` when no stream could be opened), or
    ///   `CancellationError`.
    func execute(
        _ head: HTTPRequest, payload: UpstreamRequestPayload, knownLength: Int?, interim: InterimResponses?
    ) async throws -> Response {
        let bound = channel.eventLoop.makePromise(of: NIOLoopBound<UpstreamHTTP2StreamHandler>.self)
        let timeout = responseHeaderTimeout
        let created = channel.eventLoop.makePromise(of: (any Channel).self)
        created.futureResult.whenFailure { bound.fail($0) }
        multiplexer.createStreamChannel(promise: created) { stream in
            stream.eventLoop.makeCompletedFuture {
                let handler = UpstreamHTTP2StreamHandler(responseHeaderTimeout: timeout)
                try stream.pipeline.syncOperations.addHandler(handler)
                bound.succeed(NIOLoopBound(handler, eventLoop: stream.eventLoop))
            }
        }
        let handler: NIOLoopBound<UpstreamHTTP2StreamHandler>
        do {
            handler = try await bound.futureResult.get()
        } catch {
            throw UpstreamExchangeFailure.notStarted
        }
        let runner = UpstreamExchangeRunner(handler: handler, executor: executor)
        return try await runner.execute(
            exchange: 0, head: head, payload: payload, knownLength: knownLength, interim: interim)
    }

    func close() {
        channel.close(promise: nil)
    }

    /// Closes the connection once its open streams have ended — at once when it has none — and lets no
    /// new stream start from the client's table (the caller has already taken it out).
    func retire() {
        let channel = self.channel
        channel.eventLoop.execute { channel.pipeline.fireUserInboundEventTriggered(UpstreamHTTP2Retire()) }
    }
}

/// Asks ``UpstreamHTTP2ConnectionMonitor`` to close its connection once no stream is open.
struct UpstreamHTTP2Retire: Sendable {}

/// Timeouts and windows of HTTP/2 upstream connections.
struct UpstreamHTTP2Settings: Sendable {
    var responseHeaderTimeout: TimeAmount?
    var idleTimeout: TimeAmount
    /// The flow-control window per stream: how much a stream may receive before its reader catches up.
    var windowSize: Int = 1 << 20
}

/// Watches an HTTP/2 connection after NIO's HTTP/2 handler: reports `GOAWAY` and closes the
/// connection once it had no open stream for the idle timeout — or, once retired
/// (``UpstreamHTTP2Retire``), as soon as it has none.
final class UpstreamHTTP2ConnectionMonitor: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame

    private let idleTimeout: TimeAmount
    private var openStreams = 0
    private var isRetired = false
    private var idleTimer: Scheduled<Void>?
    var onGone: (() -> Void)?

    init(idleTimeout: TimeAmount) {
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        scheduleIdleTimer(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .goAway = unwrapInboundIn(data).payload {
            gone()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is NIOHTTP2StreamCreatedEvent {
            openStreams += 1
            idleTimer?.cancel()
            idleTimer = nil
        } else if event is StreamClosedEvent {
            openStreams -= 1
            if openStreams == 0 { isRetired ? context.close(promise: nil) : scheduleIdleTimer(context: context) }
        } else if event is UpstreamHTTP2Retire {
            isRetired = true
            if openStreams == 0 { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        gone()
        context.fireChannelInactive()
    }

    private func gone() {
        let onGone = self.onGone
        self.onGone = nil
        onGone?()
    }

    private func scheduleIdleTimer(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        let channel = context.channel
        idleTimer = context.eventLoop.scheduleTask(in: idleTimeout) { channel.close(promise: nil) }
    }
}

@available(*, unavailable)
extension UpstreamHTTP2ConnectionMonitor: Sendable {}
