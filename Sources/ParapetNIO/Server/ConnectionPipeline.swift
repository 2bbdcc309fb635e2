import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOHTTPTypesHTTP2
import NIOSSL
import NIOTLS
import ParapetCore

/// Builds the pipeline of each accepted connection: activity tracking for timeouts, connection hooks,
/// TLS, then HTTP/1.1, HTTP/2 by ALPN, or — on cleartext ports that allow it — h2c; the connection's
/// requests are then served by ``HTTP1ConnectionHandler`` or one ``HTTP2StreamHandler`` per stream.
struct ConnectionPipeline: Sendable {
    let configuration: ServerConfiguration
    let tlsContext: NIOSSLContext?
    let hooks: [any ConnectionHook]
    let responder: RequestResponder
    let connections: ConnectionRegistry

    /// Configures `channel`; called on its event loop from the server's child-channel initializer.
    func configure(_ channel: any Channel) -> EventLoopFuture<Void> {
        let prepared = channel.eventLoop.makeCompletedFuture { () throws -> (AcceptedConnection, ConnectionTimeouts) in
            channel.markCloseOnExec()
            // At the connection cap the new connection is closed (NIO closes a channel whose initializer fails).
            guard connections.add(channel) else { throw ConnectionLimitReached() }
            let accepted = AcceptedConnection(
                socketPeer: channel.remoteAddress.flatMap(NetworkAddress.init),
                local: channel.localAddress.flatMap(NetworkAddress.init),
                tls: tlsContext == nil ? nil : ConnectionInfo.TLS()
            )
            let timeouts = ConnectionTimeouts(limits: .init(configuration), channel: channel)
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(InboundActivityHandler(timeouts: timeouts))
            for hook in hooks {
                try hook.configure(channel, connection: accepted)
            }
            if let tlsContext {
                // NIOSSL keeps the client's server name to itself: read it from the ClientHello first.
                let serverName = SNIHandler { result in
                    if case .hostname(let name) = result {
                        accepted.update { $0.tls?.serverName = name }
                    }
                    return channel.eventLoop.makeSucceededVoidFuture()
                }
                try pipeline.addHandler(ByteToMessageHandler(serverName))
                try pipeline.addHandler(NIOSSLServerHandler(context: tlsContext))
            }
            return (accepted, timeouts)
        }
        return prepared.flatMap { accepted, timeouts in
            negotiate(channel, accepted: accepted, timeouts: timeouts)
        }
    }

    /// Why a connection accepted at the cap was closed.
    private struct ConnectionLimitReached: Error {}

    private func negotiate(
        _ channel: any Channel,
        accepted: AcceptedConnection,
        timeouts: ConnectionTimeouts
    ) -> EventLoopFuture<Void> {
        let isSecure = tlsContext != nil
        let http1: NIOChannelInitializer = { channel in
            if isSecure {
                accepted.update { $0.tls?.negotiatedProtocol = "http/1.1" }
            }
            return channel.eventLoop.makeCompletedFuture {
                try configureHTTP1(channel, accepted: accepted, timeouts: timeouts)
            }
        }
        let http2: NIOChannelInitializer = { channel in
            accepted.update { info in
                info.httpProtocol = .http2
                info.tls?.negotiatedProtocol = "h2"
            }
            return configureHTTP2(channel, accepted: accepted, timeouts: timeouts)
        }
        if !isSecure {
            guard configuration.allowsH2C else {
                return channel.eventLoop.makeCompletedFuture {
                    try configureHTTP1(channel, accepted: accepted, timeouts: timeouts)
                }
            }
            // Cleartext h2c: the sniffer stands in for ALPN, recognising the HTTP/2 connection preface
            // or an `Upgrade: h2c` request, and announces the protocol as TLS would.
            do {
                try channel.pipeline.syncOperations.addHandler(
                    CleartextHTTP2Sniffer(
                        maxHeaderBytes: configuration.maxHeaderBytes,
                        maxHeaderListSize: configuration.http2.maxHeaderListSize
                    )
                )
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
        return channel.configureHTTP2SecureUpgrade(h2ChannelConfigurator: http2, http1ChannelConfigurator: http1)
    }

    private func configureHTTP1(_ channel: any Channel, accepted: AcceptedConnection, timeouts: ConnectionTimeouts) throws {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = configuration.maxHeaderBytes
        limits.maxHeaderListSize = configuration.maxHeaderBytes
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes, limitConfiguration: limits)))
        let handler = HTTP1ConnectionHandler(
            responder: responder, executor: responder.executor(for: channel.eventLoop), accepted: accepted,
            timeouts: timeouts)
        try pipeline.addHandler(handler)
    }

    private func configureHTTP2(
        _ channel: any Channel,
        accepted: AcceptedConnection,
        timeouts: ConnectionTimeouts
    ) -> EventLoopFuture<Void> {
        let limits = configuration.http2
        var connectionConfiguration = NIOHTTP2Handler.ConnectionConfiguration()
        connectionConfiguration.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: limits.maxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: limits.maxHeaderListSize),
        ]
        var streamConfiguration = NIOHTTP2Handler.StreamConfiguration()
        streamConfiguration.streamResetFrameRateLimit.maximumCount = limits.maxResetStreams
        streamConfiguration.streamResetFrameRateLimit.windowLength = TimeAmount(limits.resetStreamWindow)
        let responder = self.responder
        let executor = responder.executor(for: channel.eventLoop)
        let streamLimits = HTTP2StreamHandler.Limits(read: configuration.readTimeout, write: configuration.writeTimeout)
        do {
            // In front of NIO's HTTP/2 handler: it sees the frames' bytes in both directions.
            try channel.pipeline.syncOperations.addHandler(HTTP2WireHandler(timeouts: timeouts))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let lifecycle = NIOLoopBound(HTTP2ConnectionLifecycleHandler(timeouts: timeouts), eventLoop: channel.eventLoop)
        return channel.configureHTTP2Pipeline(
            mode: .server,
            connectionConfiguration: connectionConfiguration,
            streamConfiguration: streamConfiguration,
            streamDelegate: HTTP2ConnectionLifecycleHandler.StreamEvents(handler: lifecycle)
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                let pipeline = stream.pipeline.syncOperations
                try pipeline.addHandler(HTTP2FramePayloadToHTTPServerCodec())
                try pipeline.addHandler(
                    HTTP2StreamHandler(responder: responder, executor: executor, accepted: accepted, limits: streamLimits))
            }
        }.flatMapThrowing { _ in
            try channel.pipeline.syncOperations.addHandler(lifecycle.value)
        }
    }
}
