public import HTTPTypes
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
    /// For a request that asks to switch protocols (HTTP/1.1 `Connection: upgrade` with an `Upgrade` field
    /// and no body), the bytes the client sends in the new protocol once the handler answers
    /// `101 Switching Protocols`; `nil` for every other request.
    ///
    /// The request's own ``Request/body`` ends with the request as usual. A handler that switches answers
    /// `101` with a streamed body — the bytes it sends in the new protocol — and reads these:
    ///
    /// ```swift
    /// let echo = Endpoint { request, context in
    ///     guard let inbound = context.upgradedInbound, request.headerFields[.upgrade] == "echo" else {
    ///         return .error(.badRequest)
    ///     }
    ///     return Response(status: .switchingProtocols, headerFields: [.connection: "upgrade", .upgrade: "echo"],
    ///                     body: inbound)
    /// }
    /// ```
    ///
    /// If the handler answers anything but `101`, the stream ends with the response.
    public var upgradedInbound: HTTPBody?
    /// Where ``sendInterim(_:)`` sends interim responses; `nil` where none can be sent (a context made
    /// outside a server, e.g. in the simulator or a unit test).
    public var interimResponses: InterimResponses?
    /// The instant, on ``Runtime/clock``, after which nobody waits for this handler's response any more;
    /// `nil` when no deadline was set.
    ///
    /// A timeout middleware sets it (keeping an earlier one) and enforces it by cancelling the handler and
    /// answering `504`. A handler that waits reads it to give up early instead — the upstream proxy does
    /// not start a retry whose backoff would end past it.
    ///
    /// ```swift
    /// if let deadline = context.deadline, context.runtime.clock.now.advanced(by: backoff) >= deadline {
    ///     return .error(.badGateway)   // no time left to try again
    /// }
    /// ```
    public var deadline: MonotonicInstant?
    /// The client this request is served for, computed once per request: what rate limits, logs, request
    /// ids and firewalls key on, instead of parsing forwarding headers themselves.
    ///
    /// The server sets it before the first middleware from its trusted-proxy rules (see
    /// ``ForwardingHeaders``). A context made without a server (the simulator, a unit test) has the
    /// connection's peer, until something sets another.
    public var clientAddress: ClientAddress {
        get { settledClientAddress ?? ClientAddress(peer: connection.peer) }
        set { settledClientAddress = newValue }
    }
    /// The client address set since the context was made; `nil` stands for the peer.
    private var settledClientAddress: ClientAddress?

    /// Creates a context.
    public init(
        connection: ConnectionInfo,
        values: RequestValues = RequestValues(),
        logger: Logger,
        runtime: Runtime,
        upgradedInbound: HTTPBody? = nil,
        interimResponses: InterimResponses? = nil
    ) {
        self.connection = connection
        self.values = values
        self.upgradedInbound = upgradedInbound
        self.interimResponses = interimResponses
        self.logger = logger
        self.runtime = runtime
    }

    /// Sends an interim (`1xx`) response ahead of the final one, such as `103 Early Hints`; does nothing
    /// where it cannot be sent (see ``InterimResponses``).
    public func sendInterim(_ head: HTTPResponse) {
        interimResponses?.send(head)
    }
}
