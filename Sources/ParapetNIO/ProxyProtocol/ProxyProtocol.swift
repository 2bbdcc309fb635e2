public import NIOCore
public import ParapetCore

/// Reads HAProxy's PROXY protocol (v1 and v2) from connections a trusted load balancer opens, so that
/// the client it names becomes the connection's peer: the address ``TrustedProxies`` rules, rate
/// limits and logs see.
///
/// Only a peer inside the trusted networks may name a client. Every other peer's connection is left
/// exactly as it is, bytes included, so a header it sends is just a malformed request. A trusted
/// connection that starts with something other than a PROXY signature is passed through untouched
/// too, unless ``isRequired`` is set, which closes it. The header is read on the connection's event loop
/// as its first bytes arrive; a malformed header, or none complete within ``headerTimeout``, closes that
/// connection and only that one.
///
/// The header itself, with its v2 TLVs (ALPN, authority, unique ID), is recorded on
/// ``ConnectionInfo/proxyProtocol``. A `LOCAL` (v2) or `UNKNOWN` (v1) header keeps the socket's peer, and
/// so does a v2 header of the `UNSPEC` or `UNIX` family: a socket path on the balancer's host names no
/// client, and replacing the peer with it would leave requests with no address to trust, forward or
/// rate-limit by. (Earlier versions did replace it.) The path stays readable in
/// ``ProxyProtocolHeader/source``.
///
/// ```swift
/// let server = Server(configuration: .frontend)
/// // The load balancers live in 10.0.0.0/8; every connection they open starts with a header.
/// try server.addConnectionHook(ProxyProtocol(trusting: ["10.0.0.0/8"], isRequired: true))
/// ```
public struct ProxyProtocol: ConnectionHook {
    /// The peers whose headers are believed; with ``TrustedProxies/none`` the hook does nothing.
    ///
    /// To believe any peer (only when nothing but the load balancer can reach the listener), trust
    /// `0.0.0.0/0` and `::/0`.
    public var trustedProxies: TrustedProxies
    /// Whether a trusted connection that does not start with a PROXY header is closed rather than
    /// passed through.
    public var isRequired: Bool
    /// How long a trusted connection has, from accept, to deliver its complete header (or the first
    /// bytes that show it has none); `nil` for no limit. A negative duration counts as zero.
    public var headerTimeout: Duration?

    /// Reads PROXY headers from peers inside `trustedProxies`.
    ///
    /// - Parameters:
    ///   - trustedProxies: the load balancers allowed to name a client.
    ///   - isRequired: whether a trusted connection without a header is closed (`false`: passed through).
    ///   - headerTimeout: the time allowed for the header; `nil` for no limit.
    public init(
        trusting trustedProxies: TrustedProxies, isRequired: Bool = false, headerTimeout: Duration? = .seconds(5)
    ) {
        self.trustedProxies = trustedProxies
        self.isRequired = isRequired
        self.headerTimeout = headerTimeout
    }

    /// Reads PROXY headers from peers inside the networks written in CIDR notation.
    ///
    /// - Throws: ``ConfigurationError/invalidCIDR(_:)`` naming the first entry that does not parse.
    public init(trusting cidrs: [String], isRequired: Bool = false, headerTimeout: Duration? = .seconds(5))
        throws(ConfigurationError)
    {
        self.init(trusting: try TrustedProxies(cidrs: cidrs), isRequired: isRequired, headerTimeout: headerTimeout)
    }

    /// Adds the header reader to a connection from a trusted peer; adds nothing for any other peer.
    public func configure(_ channel: any Channel, connection: AcceptedConnection) throws {
        guard trustedProxies.trusts(connection.socketPeer) else { return }
        let timeout = headerTimeout.map { TimeAmount(max($0, .zero)) }
        let handler = ProxyProtocolHandler(connection: connection, isRequired: isRequired, headerTimeout: timeout)
        try channel.pipeline.syncOperations.addHandler(handler)
    }
}
