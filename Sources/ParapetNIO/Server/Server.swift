public import Logging
public import NIOPosix
public import ParapetCore
public import ServiceLifecycle
public import UnixSignals
import NIOCore
import NIOExtras
import NIOSSL
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Parapet server on SwiftNIO: a middleware chain behind an HTTP/1.1, HTTP/2 and h2c listener.
///
/// Pick a configuration profile for the server's role, `use` the middlewares (the first one sits
/// outermost), then run it. Requests that fall through every middleware get `404`.
///
/// ```swift
/// var configuration = ServerConfiguration.frontend
/// try configuration.bind(to: ":8443")
/// let tls = try ServerTLSConfiguration(certificates: [.pem(certificateFile: "site.crt", keyFile: "site.key")])
/// let server = Server(configuration: configuration, tls: tls)
/// server.use(Endpoint { request, _ in .text("hello\n") })
/// try await server.listenAndServe()   // until SIGTERM, then a graceful drain
/// ```
///
/// `Server` is a swift-service-lifecycle `Service`: run it in a `ServiceGroup` beside other services
/// and it drains gracefully when the group shuts down.
public final class Server: Service, Sendable {
    /// How the server listens and whom it trusts.
    public let configuration: ServerConfiguration
    /// TLS settings; `nil` serves cleartext.
    public let tls: ServerTLSConfiguration?
    /// The sources of time, randomness, background work and network access the chain is built with.
    public let runtime: Runtime
    /// The server's logger; each request's context carries it.
    public let logger: Logger

    private let chain = Middlewares()
    private let hooks = Mutex<(hooks: [any ConnectionHook], isFrozen: Bool)>(([], false))
    private let lifecycle = ShutdownCoordinator()
    private let eventLoopGroup: MultiThreadedEventLoopGroup

    /// Creates a server.
    ///
    /// - Parameters:
    ///   - configuration: a profile (``ServerConfiguration/general`` by default), possibly adjusted.
    ///   - tls: certificates to terminate TLS with; `nil` for cleartext.
    ///   - runtime: the production runtime unless a test injects another.
    ///   - logger: where the server and its requests log.
    ///   - eventLoopGroup: the NIO threads that run the sockets.
    public init(
        configuration: ServerConfiguration = .general,
        tls: ServerTLSConfiguration? = nil,
        runtime: Runtime = .system,
        logger: Logger = Logger(label: "parapet"),
        eventLoopGroup: MultiThreadedEventLoopGroup = .singleton
    ) {
        self.configuration = configuration
        self.tls = tls
        self.runtime = runtime
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
    }

    /// Appends `middleware` inside everything used before it. A `use` after the server started listening
    /// cannot take effect: the next ``listen()`` or ``makeHandler()`` throws ``ChainError/usedAfterBuild``.
    public func use(_ middleware: any Middleware) {
        chain.use(middleware)
    }

    /// Adds a hook that wraps every accepted connection before TLS and HTTP, such as ``ProxyProtocol``.
    ///
    /// - Throws: ``ChainError/usedAfterBuild`` once the server has started listening.
    public func addConnectionHook(_ hook: any ConnectionHook) throws {
        try hooks.withLock { state throws(ChainError) in
            guard !state.isFrozen else { throw .usedAfterBuild }
            state.hooks.append(hook)
        }
    }

    /// Registers `hook` to run once when graceful shutdown begins (readiness probes start failing,
    /// background work stops). A hook registered after shutdown began runs at once.
    public func onShutdown(_ hook: @escaping @Sendable () async -> Void) {
        if !lifecycle.register(hook) {
            Task { await hook() }
        }
    }

    /// Whether graceful shutdown has begun.
    public var isShuttingDown: Bool { lifecycle.hasBegun }

    /// Builds the request handler: the trusted-proxy rules and the path rules around the chain, which
    /// ends in `404`.
    ///
    /// Building freezes the chain; ``listen()`` calls it, and tests may call it to drive the chain
    /// without sockets.
    ///
    /// - Throws: a ``ParapetCore/ChainBuildError`` listing every configuration problem of every
    ///   middleware (each with its path, such as `Host("a.io") › Upstream › HTTPClientTransport`), or
    ///   ``ParapetCore/ChainError/usedAfterBuild``.
    public func makeHandler() throws -> any Handler {
        let environment = ChainEnvironment(runtime: runtime, logger: logger, shutdown: lifecycle.shutdown)
        return try configuration.makeHandler(serving: chain, in: environment)
    }

    /// Validates the configuration, builds the chain and binds the listening socket.
    ///
    /// - Returns: a listener whose ``ServerListener/serve()`` accepts connections.
    /// - Throws: the one ``ConfigurationError`` or ``TLSConfigurationError`` of the server's settings, the
    ///   error of ``makeHandler()``, or — for more than one problem among the settings, the certificates
    ///   and the chain — a ``ParapetCore/ChainBuildError`` listing them all; otherwise the bind error.
    public func listen() async throws -> ServerListener {
        // The server's settings, its chain and its certificates are checked together, so that one failed
        // start names every mistake.
        var problems = ChainBuildProblems()
        problems.attempt { try configuration.validate() }
        let handler = problems.attempt { try makeHandler() }
        let tlsContext = problems.attempt { try tls?.makeContext() }
        guard let handler, let tlsContext, problems.problems.isEmpty else { throw problems.error }
        let hooks = self.hooks.withLock { state in
            state.isFrozen = true
            return state.hooks
        }
        let connections = ConnectionRegistry(maxConnections: configuration.maxConnections, logger: logger)
        let responder = RequestResponder(
            handler: handler, runtime: runtime, logger: logger, executors: EventLoopExecutors(group: eventLoopGroup))
        let pipeline = ConnectionPipeline(
            configuration: configuration, tlsContext: tlsContext, hooks: hooks, responder: responder,
            connections: connections)
        let quiescing = ServerQuiescingHelper(group: eventLoopGroup)
        var bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Nothing is accepted until `ServerListener.serve()` turns reading on.
            .serverChannelOption(.autoRead, value: false)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    channel.markCloseOnExec()
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelInitializer { child in pipeline.configure(child) }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
        if configuration.reusePort {
            bootstrap = bootstrap.serverChannelOption(.socketOption(.init(rawValue: SO_REUSEPORT)), value: 1)
        }
        if let keepAlive = configuration.tcpKeepAlive, keepAlive > .zero {
            bootstrap = bootstrap.childChannelOption(.socketOption(.so_keepalive), value: 1)
            #if os(Linux)
            let seconds = Int(clamping: max(keepAlive.components.seconds, 1))
            for option in [TCP_KEEPIDLE, TCP_KEEPINTVL] {
                let name = ChannelOptions.Types.SocketOption(level: .tcp, name: NIOBSDSocket.Option(rawValue: option))
                bootstrap = bootstrap.childChannelOption(name, value: seconds)
            }
            #endif
        }
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        guard let address = channel.localAddress.flatMap(NetworkAddress.init) else {
            try? await channel.close()
            throw ConfigurationError.invalidValue(field: "host", reason: "\(configuration.host) is not an IP address")
        }
        logger.info("listening", metadata: ["address": "\(address)", "tls": "\(tls != nil)"])
        if try await channel.eventLoop.submit({ channel.socketDescriptor == nil }).get() {
            logger.warning("cannot mark sockets close-on-exec: child processes will inherit them")
        }
        let listener = ServerListener(
            channel: channel,
            localAddress: address,
            quiescing: quiescing,
            connections: connections,
            logger: logger
        )
        if !lifecycle.attach(listener) {
            Task { await listener.drain(graceTimeout: .zero, clock: runtime.clock) }
        }
        return listener
    }

    /// Listens and serves until graceful shutdown (``shutdown()``, or the surrounding `ServiceGroup`
    /// shutting down) has drained every connection, or the task is cancelled.
    public func run() async throws {
        let listener = try await listen()
        try await withGracefulShutdownHandler {
            try await listener.serve()
        } onGracefulShutdown: {
            self.shutdown()
        }
    }

    /// Runs the server until SIGTERM or SIGINT, then shuts down gracefully — like Go's `ListenAndServe`.
    public func listenAndServe(signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: self)],
                gracefulShutdownSignals: signals,
                logger: logger
            )
        )
        try await group.run()
    }

    /// Begins graceful shutdown; later calls do nothing.
    ///
    /// The chain's ``ChainEnvironment/shutdown`` state turns `true` and the shutdown hooks run at once
    /// (so a readiness check such as `Healthz` fails from now on); the server keeps serving for
    /// ``ServerConfiguration/waitBeforeShutdown`` (so load balancers see readiness fail), then stops
    /// accepting, sends HTTP/2 GOAWAY, closes idle keep-alive connections, lets in-flight requests finish
    /// within ``ServerConfiguration/graceTimeout`` and closes whatever remains.
    public func shutdown() {
        guard let (hooks, listener) = lifecycle.begin() else { return }
        logger.info("shutting down", metadata: ["wait": "\(configuration.waitBeforeShutdown)"])
        let configuration = self.configuration
        let runtime = self.runtime
        Task {
            for hook in hooks {
                Task { await hook() }
            }
            try? await runtime.clock.sleep(for: configuration.waitBeforeShutdown)
            await listener?.drain(graceTimeout: configuration.graceTimeout, clock: runtime.clock)
            runtime.spawner.cancelAll()
        }
    }
}
