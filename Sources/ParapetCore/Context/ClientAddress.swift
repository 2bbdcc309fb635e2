/// Whom a request is served for: the client address the server settled on once, before the first
/// middleware, and that every middleware reads — rate limits, access logs, request ids, firewalls — so that
/// none of them parses forwarding headers again, and no two of them disagree.
///
/// For a direct client it is the socket peer. Behind trusted proxies it is the first untrusted hop of
/// `X-Forwarded-For`, read from the right (see ``ForwardingHeaders``). There is always one: a peer that has
/// no IP address (a unix-domain socket, or a context made without a peer) stands for itself, so no header
/// can take a request out of per-client accounting.
///
/// IPv4-mapped IPv6 addresses are unmapped, so one client reaching a dual-stack socket over IPv4 and over
/// `::ffff:a.b.c.d` is one client.
///
/// ```swift
/// switch context.clientAddress {
/// case .ip(let address): print("client \(address)")
/// case .unixSocket(let path): print("local client on \(path)")
/// case .unknown: print("no peer known")
/// }
/// ```
public enum ClientAddress: Hashable, Sendable, CustomStringConvertible {
    /// A client with an IP address (never an IPv4-mapped one: those are unmapped).
    case ip(IPAddress)
    /// A local client on a unix-domain socket, named by the socket's path (often empty for a client).
    case unixSocket(path: String)
    /// No peer is known: a context made without one, such as a unit test's.
    case unknown

    /// The client a connection from `peer` stands for when no trusted proxy names another.
    public init(peer: NetworkAddress?) {
        switch peer {
        case .ip(let address, _): self = .ip(address.unmapped)
        case .unixSocket(let path): self = .unixSocket(path: path)
        case nil: self = .unknown
        }
    }

    /// The IP address, for a client that has one.
    public var ipAddress: IPAddress? {
        if case .ip(let address) = self { return address }
        return nil
    }

    /// The address as `X-Real-IP` carries it (`203.0.113.7`, `2001:db8::7`), `unix:PATH`, or `unknown`.
    public var description: String {
        switch self {
        case .ip(let address): "\(address)"
        case .unixSocket(let path): "unix:\(path)"
        case .unknown: "unknown"
        }
    }
}
