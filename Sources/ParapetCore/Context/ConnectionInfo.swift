/// Facts about the connection a request arrived on.
///
/// ```swift
/// if context.connection.isSecure { … }
/// let client = context.connection.peer?.ipAddress
/// ```
public struct ConnectionInfo: Sendable {
    /// The HTTP protocol version spoken on the connection.
    public enum HTTPProtocol: String, Sendable {
        /// HTTP/1.0 or HTTP/1.1.
        case http1 = "HTTP/1.1"
        /// HTTP/2, over TLS or cleartext (h2c).
        case http2 = "HTTP/2"
    }

    /// TLS facts, present when the server terminated TLS on this connection.
    public struct TLS: Sendable, Equatable {
        /// The server name the client asked for (SNI), if any.
        public var serverName: String?
        /// The protocol negotiated with ALPN (`h2`, `http/1.1`), if any.
        public var negotiatedProtocol: String?

        /// Creates TLS facts.
        public init(serverName: String? = nil, negotiatedProtocol: String? = nil) {
            self.serverName = serverName
            self.negotiatedProtocol = negotiatedProtocol
        }
    }

    /// The peer's address: the socket's remote end, or the IP client a trusted PROXY-protocol header named.
    /// `nil` when it is not known. The client a request is served for, which trusted proxies may name in
    /// forwarding headers, is ``RequestContext/clientAddress``.
    public var peer: NetworkAddress? {
        get { box.facts.peer }
        set {
            var facts = box.facts
            facts.peer = newValue
            facts.peerIPText = Self.ipText(of: newValue)
            box = SharedFacts(facts)
        }
    }
    /// The local address the connection was accepted on.
    public var local: NetworkAddress? {
        get { box.facts.local }
        set { box = SharedFacts(box.facts, changing: \.local, to: newValue) }
    }
    /// TLS facts; `nil` for cleartext connections.
    public var tls: TLS? {
        get { box.facts.tls }
        set { box = SharedFacts(box.facts, changing: \.tls, to: newValue) }
    }
    /// The HTTP protocol version.
    public var httpProtocol: HTTPProtocol {
        get { box.facts.httpProtocol }
        set { box = SharedFacts(box.facts, changing: \.httpProtocol, to: newValue) }
    }
    /// The PROXY-protocol header a trusted load balancer sent at the start of the connection, if any.
    ///
    /// When it relays a client, ``peer`` already holds that client's address; the header adds what the
    /// load balancer saw besides (ALPN, authority, unique ID).
    public var proxyProtocol: ProxyProtocolHeader? {
        get { box.facts.proxyProtocol }
        set { box = SharedFacts(box.facts, changing: \.proxyProtocol, to: newValue) }
    }
    /// The peer's IP address as text (IPv4-mapped IPv6 addresses unmapped), as forwarding headers carry
    /// it; formatted once per connection rather than once per request.
    public var peerIPText: String? { box.facts.peerIPText }

    /// The facts (232 bytes inline), boxed: a connection's facts are copied into each of its requests' contexts.
    private var box: SharedFacts<Facts>

    private static func ipText(of peer: NetworkAddress?) -> String? {
        peer?.ipAddress.map { "\($0.unmapped)" }
    }

    /// Creates connection facts.
    public init(
        peer: NetworkAddress?,
        local: NetworkAddress? = nil,
        tls: TLS? = nil,
        httpProtocol: HTTPProtocol = .http1,
        proxyProtocol: ProxyProtocolHeader? = nil
    ) {
        box = SharedFacts(Facts(peer: peer, local: local, tls: tls, httpProtocol: httpProtocol, proxyProtocol: proxyProtocol,
                        peerIPText: Self.ipText(of: peer)))
    }

    /// Whether the server terminated TLS on this connection.
    public var isSecure: Bool { tls != nil }
}

extension ConnectionInfo {
    private struct Facts: Sendable {
        var peer: NetworkAddress?
        var local: NetworkAddress?
        var tls: TLS?
        var httpProtocol: HTTPProtocol
        var proxyProtocol: ProxyProtocolHeader?
        var peerIPText: String?
    }
}
