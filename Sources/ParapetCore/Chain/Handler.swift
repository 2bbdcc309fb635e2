public import Logging

/// Something that answers requests: the innermost endpoint of a chain, or a middleware's wrapper
/// around the next handler.
///
/// ```swift
/// struct Hello: Handler {
///     func handle(_ request: Request, context: RequestContext) async throws -> Response {
///         .text("hello\n")
///     }
/// }
/// ```
public protocol Handler: Sendable {
    /// Answers `request`. Throwing aborts the exchange: the server answers `500` if nothing was sent
    /// yet and otherwise closes the connection.
    func handle(_ request: Request, context: RequestContext) async throws -> Response
}

/// What a chain is built with: the server's runtime, logger and shutdown state.
///
/// A middleware that needs background work (a janitor, a health probe) starts it through
/// `environment.runtime.spawner` when it is wrapped; one that must know when graceful shutdown begins
/// (a readiness check) keeps ``shutdown``.
///
/// ```swift
/// func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
///     environment.logger.debug("installing my middleware")
///     return MyHandler(next: next, clock: environment.runtime.clock)
/// }
/// ```
public struct ChainEnvironment: Sendable {
    /// The runtime the server runs on.
    public var runtime: Runtime
    /// The server's logger.
    public var logger: Logger
    /// Whether the server running the chain has begun graceful shutdown.
    public var shutdown: ShutdownState
    /// How the server normalizes request paths; middlewares that read a path apply the same rules, so
    /// what they match is what is forwarded. ``RequestPathRules/strict`` unless the server says otherwise.
    public var pathRules: RequestPathRules = .strict

    /// Creates a build environment; a chain built outside a server gets a shutdown state of its own,
    /// which nothing begins unless the caller does.
    public init(runtime: Runtime, logger: Logger, shutdown: ShutdownState = ShutdownState()) {
        self.runtime = runtime
        self.logger = logger
        self.shutdown = shutdown
    }
}
