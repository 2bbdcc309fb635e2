public import Logging
import NIOCore
public import NIOPosix
public import ParapetCore
import NIOHTTP1
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Parapet server on SwiftNIO: a middleware chain behind an HTTP listener.
///
/// Pick a configuration profile for the server's role, `use` the middlewares (the first one sits
/// outermost), then `run`. Requests that fall through every middleware get `404`.
///
/// ```swift
/// var configuration = ServerConfiguration.frontend
/// configuration.port = 8080
/// let server = Server(configuration: configuration)
/// try server.use(Endpoint { request, _ in .text("hello\n") })
/// try await server.run()
/// ```
public final class Server: Sendable {
    /// How the server listens and whom it trusts.
    public let configuration: ServerConfiguration
    /// The sources of time, randomness, background work and network access the chain is built with.
    public let runtime: Runtime
    /// The server's logger; each request's context carries it.
    public let logger: Logger

    private let chain = Middlewares()
    private let eventLoopGroup: MultiThreadedEventLoopGroup

    /// Creates a server.
    ///
    /// - Parameters:
    ///   - configuration: a profile (``ServerConfiguration/general`` by default), possibly adjusted.
    ///   - runtime: the production runtime unless a test injects another.
    ///   - logger: where the server and its requests log.
    ///   - eventLoopGroup: the NIO threads that run the sockets.
    public init(
        configuration: ServerConfiguration = .general,
        runtime: Runtime = .system,
        logger: Logger = Logger(label: "parapet"),
        eventLoopGroup: MultiThreadedEventLoopGroup = .singleton
    ) {
        self.configuration = configuration
        self.runtime = runtime
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
    }

    /// Appends `middleware` inside everything used before it.
    ///
    /// - Throws: ``ChainError/usedAfterBuild`` once the server has started listening.
    public func use(_ middleware: any Middleware) throws {
        try chain.use(middleware)
    }

    /// Builds the request handler: the trusted-proxy rules around the chain, which ends in `404`.
    ///
    /// Building freezes the chain; ``listen()`` calls it, and tests may call it to drive the chain
    /// without sockets.
    public func makeHandler() throws -> any Handler {
        let environment = ChainEnvironment(runtime: runtime, logger: logger)
        let inner = try chain.wrap(Endpoint.notFound, in: environment)
        return ForwardingHeaders.Handler(next: inner, trusting: configuration.trustedProxies)
    }

    /// Validates the configuration, builds the chain and binds the listening socket.
    ///
    /// - Returns: a listener whose ``ServerListener/serve()`` accepts connections.
    /// - Throws: a ``ConfigurationError`` for a bad configuration, a chain-building error, or the bind error.
    public func listen() async throws -> ServerListener {
        try configuration.validate()
        let handler = try makeHandler()
        let connection = HTTP1Connection(handler: handler, runtime: runtime, logger: logger)
        var bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
        if configuration.reusePort {
            bootstrap = bootstrap.serverChannelOption(ChannelOptions.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
        }
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port) { child in
            child.eventLoop.makeCompletedFuture {
                try child.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                return try HTTP1Connection.Channel(wrappingChannelSynchronously: child)
            }
        }
        guard let address = channel.channel.localAddress.flatMap(NetworkAddress.init) else {
            try? await channel.channel.close()
            throw ConfigurationError.invalidValue(field: "host", reason: "\(configuration.host) is not an IP address")
        }
        logger.info("listening", metadata: ["address": "\(address)"])
        return ServerListener(channel: channel, localAddress: address, connection: connection)
    }

    /// Listens and serves until the surrounding task is cancelled.
    public func run() async throws {
        try await listen().serve()
    }
}
