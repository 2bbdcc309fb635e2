import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOSSL
import ParapetCore

/// What a connection's protocol negotiation ends in: an HTTP/1 channel, or an HTTP/2 connection and
/// the multiplexer that yields its streams.
typealias NegotiatedConnection = NIONegotiatedHTTPVersion<
    HTTPPartsChannel, (any Channel, NIOHTTP2Handler.AsyncStreamMultiplexer<HTTPPartsChannel>)
>

/// An accepted connection whose pipeline is set up and whose protocol is being negotiated.
struct IncomingConnection: Sendable {
    let accepted: AcceptedConnection
    let negotiated: EventLoopFuture<NegotiatedConnection>
}

/// Builds the pipeline of each accepted connection: activity tracking for timeouts, connection hooks,
/// TLS, then HTTP/1.1, HTTP/2 by ALPN, or — on cleartext ports that allow it — h2c.
struct ConnectionPipeline: Sendable {
    let configuration: ServerConfiguration
    let tlsContext: NIOSSLContext?
    let hooks: [any ConnectionHook]

    private var limits: ConnectionDeadlines.Limits {
        ConnectionDeadlines.Limits(
            readHeader: configuration.readHeaderTimeout,
            read: configuration.readTimeout,
            write: configuration.writeTimeout,
            idle: configuration.idleTimeout
        )
    }

    /// Configures `channel`; called on its event loop from the server's child-channel initializer.
    func configure(_ channel: any Channel) -> EventLoopFuture<IncomingConnection> {
        let prepared = channel.eventLoop.makeCompletedFuture { () throws -> (AcceptedConnection, ConnectionTimeouts) in
            let accepted = AcceptedConnection(
                socketPeer: channel.remoteAddress.flatMap(NetworkAddress.init),
                local: channel.localAddress.flatMap(NetworkAddress.init),
                tls: tlsContext == nil ? nil : ConnectionInfo.TLS()
            )
            let timeouts = ConnectionTimeouts(limits: limits, channel: channel)
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(InboundActivityHandler(timeouts: timeouts))
            for hook in hooks {
                try hook.configure(channel, connection: accepted)
            }
            if let tlsContext {
                try pipeline.addHandler(NIOSSLServerHandler(context: tlsContext))
            }
            return (accepted, timeouts)
        }
        return prepared.flatMap { accepted, timeouts in
            negotiate(channel, timeouts: timeouts).map { negotiated in
                IncomingConnection(accepted: accepted, negotiated: negotiated.always { result in
                    if case .success(.http2) = result {
                        accepted.update { info in
                            info.httpProtocol = .http2
                            info.tls?.negotiatedProtocol = "h2"
                        }
                    } else if case .success(.http1_1) = result, accepted.info.tls != nil {
                        accepted.update { $0.tls?.negotiatedProtocol = "http/1.1" }
                    }
                })
            }
        }
    }

    private func negotiate(
        _ channel: any Channel,
        timeouts: ConnectionTimeouts
    ) -> EventLoopFuture<EventLoopFuture<NegotiatedConnection>> {
        let http1: NIOChannelInitializerWithOutput<HTTPPartsChannel> = { channel in
            configureHTTP1(channel, timeouts: timeouts)
        }
        let http2: NIOChannelInitializerWithOutput<(any Channel, NIOHTTP2Handler.AsyncStreamMultiplexer<HTTPPartsChannel>)> = {
            channel in configureHTTP2(channel, timeouts: timeouts)
        }
        if tlsContext == nil {
            guard configuration.allowsH2C else {
                return http1(channel).map { channel.eventLoop.makeSucceededFuture(.http1_1($0)) }
            }
            // Cleartext h2c: the sniffer stands in for ALPN, recognising the HTTP/2 connection preface
            // or an `Upgrade: h2c` request, and announces the protocol as TLS would.
            do {
                try channel.pipeline.syncOperations.addHandler(
                    CleartextHTTP2Sniffer(
                        maxHeaderBytes: configuration.maxHeaderBytes,
                        maxHeaderListSize: configuration.maxHeaderBytes
                    )
                )
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
        return channel.configureHTTP2AsyncSecureUpgrade(
            http1ConnectionInitializer: http1,
            http2ConnectionInitializer: http2
        )
    }

    private func configureHTTP1(_ channel: any Channel, timeouts: ConnectionTimeouts) -> EventLoopFuture<HTTPPartsChannel> {
        channel.eventLoop.makeCompletedFuture {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = configuration.maxHeaderBytes
            limits.maxHeaderListSize = configuration.maxHeaderBytes
            let pipeline = channel.pipeline.syncOperations
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: true,
                withServerUpgrade: nil,
                withErrorHandling: false,
                withOutboundHeaderValidation: true,
                withEncoderConfiguration: HTTPResponseEncoder.Configuration(),
                withDecoderLimitConfiguration: limits
            )
            try pipeline.addHandler(HTTP1ExchangeHandler(timeouts: timeouts))
            return try HTTPPartsChannel(wrappingChannelSynchronously: channel)
        }
    }

    private func configureHTTP2(
        _ channel: any Channel,
        timeouts: ConnectionTimeouts
    ) -> EventLoopFuture<(any Channel, NIOHTTP2Handler.AsyncStreamMultiplexer<HTTPPartsChannel>)> {
        var http2 = NIOHTTP2Handler.Configuration()
        http2.connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: 256),
            HTTP2Setting(parameter: .maxHeaderListSize, value: configuration.maxHeaderBytes),
        ]
        return channel.configureAsyncHTTP2Pipeline(mode: .server, configuration: http2) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                return try HTTPPartsChannel(wrappingChannelSynchronously: stream)
            }
        }.flatMapThrowing { multiplexer in
            try channel.pipeline.syncOperations.addHandler(HTTP2StreamCountHandler(timeouts: timeouts))
            return (channel, multiplexer)
        }
    }
}
