import HTTPTypes
import NIOCore
import NIOHTTP1
import ParapetCore
import Synchronization

/// A pooled HTTP/1.1 connection to an upstream, usable from any task: it runs the exchange on the
/// channel's event loop — without a hop when the caller's task already runs there, as proxied requests
/// do.
final class UpstreamHTTP1Connection: UpstreamPoolableConnection {
    let channel: any Channel
    let poolKey: String
    private let runner: UpstreamExchangeRunner<UpstreamHTTP1Handler>
    private let exchangeIDs = Atomic<Int>(0)

    var eventLoop: any EventLoop { channel.eventLoop }

    /// Adds the HTTP/1.1 client handlers to a connected `channel` and ties it to `pool`; call on the
    /// channel's event loop.
    ///
    /// - Throws: when the channel already closed or a handler cannot be added.
    static func configure(
        _ channel: any Channel, poolKey: String, settings: UpstreamHTTP1Handler.Settings,
        executor: UpstreamLoopExecutor?, pool: UpstreamConnectionPool<UpstreamHTTP1Connection>
    ) throws -> UpstreamHTTP1Connection {
        channel.eventLoop.preconditionInEventLoop()
        guard channel.isActive else { throw UpstreamConnectionClosed() }
        let handler = UpstreamHTTP1Handler(settings: settings)
        var encoderConfiguration = HTTPRequestEncoder.Configuration()
        encoderConfiguration.automaticallySetFramingHeaders = false
        try channel.addUpstreamProtocolHandlers { operations in
            try operations.addHandler(HTTPRequestEncoder(configuration: encoderConfiguration))
            try operations.addHandler(
                ByteToMessageHandler(
                    HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes, informationalResponseStrategy: .forward)))
            try operations.addHandler(handler)
        }
        let connection = UpstreamHTTP1Connection(channel: channel, poolKey: poolKey, handler: handler, executor: executor)
        handler.events = UpstreamHTTP1Handler.Events(
            idle: { pool.release(connection, reusable: true) },
            closed: { pool.closed(connection) }
        )
        return connection
    }

    private init(channel: any Channel, poolKey: String, handler: UpstreamHTTP1Handler, executor: UpstreamLoopExecutor?) {
        self.channel = channel
        self.poolKey = poolKey
        self.runner = UpstreamExchangeRunner(handler: NIOLoopBound(handler, eventLoop: channel.eventLoop), executor: executor)
    }

    func close() {
        channel.close(promise: nil)
    }

    /// Sends `head` and `payload` and returns the response once its head arrived, its body streaming.
    ///
    /// - Throws: ``UpstreamExchangeFailure``, or `CancellationError` when the caller is cancelled before
    ///   the head arrived (the connection is then closed).
    func execute(
        _ head: UpstreamHTTP1Request, payload: UpstreamRequestPayload, knownLength: Int?, interim: InterimResponses?
    ) async throws -> Response {
        let id = exchangeIDs.wrappingAdd(1, ordering: .relaxed).newValue
        return try await runner.execute(
            exchange: id, head: head, payload: payload, knownLength: knownLength, interim: interim)
    }
}
