public import HTTPTypes
public import ParapetCore

/// A request on its way to an upstream: what is sent, and where it is sent.
///
/// The head's `authority` is the `Host` header the upstream sees; ``target`` is where the bytes go.
/// They differ when a balancer spreads one virtual host over several addresses.
///
/// ```swift
/// var outgoing = UpstreamRequest(head: HTTPRequest(method: .get, scheme: "http", authority: "example.com", path: "/"))
/// outgoing.target = "10.0.0.7:8080"
/// ```
public struct UpstreamRequest: Sendable {
    /// Method, scheme, authority (sent as `Host`), path and header fields.
    public var head: HTTPRequest
    /// The body sent upstream.
    public var body: HTTPBody
    /// The dial address — `host:port`, or a socket path for a unix transport — chosen by a balancer
    /// or ``SingleHost``; `nil` until one chose.
    public var target: String?
    /// Which attempt of the proxy's retry loop this is, from 0.
    public var attempt: Int
    /// For a protocol upgrade (WebSocket), the client's bytes in the new protocol: a transport that gets
    /// `101 Switching Protocols` sends these upstream as they come, and returns the upstream's bytes as the
    /// response body. `nil` for every other request.
    public var upgradedInbound: HTTPBody?
    /// For a ``target`` a client chose (``TargetFromHost``): the addresses it may not lead to. A transport
    /// that resolves the target checks every resolved address against it before dialling. `nil` for
    /// targets the configuration chose.
    public var dynamicTargetPolicy: DynamicTargetPolicy?

    /// Creates an outgoing request with no target chosen yet.
    public init(head: HTTPRequest, body: HTTPBody = .empty, target: String? = nil, attempt: Int = 0) {
        self.head = head
        self.body = body
        self.target = target
        self.attempt = attempt
    }
}
