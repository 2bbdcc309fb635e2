public import Logging

/// Everything a handler knows about a request besides the request itself.
///
/// ```swift
/// let handler = Endpoint { request, context in
///     context.logger.info("hello", metadata: ["peer": "\(context.connection.peer.map { "\($0)" } ?? "-")"])
///     let started = context.runtime.clock.now
///     return .text("served at \(started)\n")
/// }
/// ```
public struct RequestContext: Sendable {
    /// Facts about the connection: peer, TLS, protocol.
    public var connection: ConnectionInfo
    /// Typed request-scoped values.
    public var values: RequestValues
    /// The logger for this request.
    public var logger: Logger
    /// The injected sources of time, randomness, background work and network access.
    public var runtime: Runtime

    /// Creates a context.
    public init(connection: ConnectionInfo, values: RequestValues = RequestValues(), logger: Logger, runtime: Runtime) {
        self.connection = connection
        self.values = values
        self.logger = logger
        self.runtime = runtime
    }
}
