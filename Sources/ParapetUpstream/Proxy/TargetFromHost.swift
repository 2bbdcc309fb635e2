import HTTPTypes
public import ParapetCore

/// A transport to whatever host the client names: it sets ``UpstreamRequest/target`` to the request's
/// `Host` (its authority) and hands the request to the leaf transport — a forward proxy, for the rare
/// setup whose clients choose the upstream themselves.
///
/// This is the explicit opt-in for a dynamic target. A leaf transport given no target refuses the request
/// (``UpstreamTargetRefused/Reason/noTarget``, answered `502`); before this type existed it dialled the
/// client's `Host`, which made `Upstream(HTTPClientTransport())` an open proxy into the server's network.
/// (The Go original has no such path: its transports need the target a balancer or `SingleHost` sets.)
///
/// ```swift
/// let http = HTTPClientTransport()
/// server.use(Upstream(TargetFromHost(transport: http)))
/// ```
///
/// Even so, a client may not choose anything: ``policy`` refuses cloud metadata services and link-local
/// addresses by default, by name and literal here and, after DNS, by every resolved address in the
/// transport (a name rebound to `169.254.169.254` is refused when it is dialled). A refused request is
/// answered `403 Forbidden` at once, never retried, and logged at warning level with the target and the
/// rule; a request with no `Host` is answered `400 Bad Request`. Keep the proxy behind authentication or a
/// ``ParapetCore/Cond`` on the client's address, and cap how many targets keep idle connections with the
/// transport's `maxPooledTargets`.
///
/// Give it a transport of its own. Connections are pooled by target name, and the address check runs when a
/// connection is dialled: a connection another route opened to a name that resolves somewhere refused
/// would be reused for a client naming it. Loopback and private networks are not refused by default — the
/// usual dynamic target is a service inside the cluster — so add them to ``policy`` when clients must not
/// reach them.
public struct TargetFromHost: Transport {
    /// The transport that carries requests to the host each names.
    public let transport: any Transport
    /// Where a client's `Host` may not lead.
    public let policy: DynamicTargetPolicy

    /// Creates a transport to each request's `Host` over `transport`, refusing what `policy` refuses (by
    /// default link-local and metadata addresses and names).
    public init(transport: any Transport, policy: DynamicTargetPolicy = DynamicTargetPolicy()) {
        self.transport = transport
        self.policy = policy
    }

    /// Throws the problems of ``transport``.
    public func checkConfiguration() throws {
        try ChainBuildProblems.check(own: nil, transports: [transport])
    }

    /// Checks the request's `Host` against ``policy`` and sends the request there through ``transport``.
    ///
    /// - Throws: ``UpstreamTargetRefused`` for a missing `Host` or one ``policy`` refuses, before anything
    ///   is dialled; whatever ``transport`` throws otherwise.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        guard let authority = request.head.authority, let host = Self.host(of: authority) else {
            throw UpstreamTargetRefused(target: request.head.authority, reason: .noHost)
        }
        if let refusal = policy.refusal(forHost: host) {
            throw UpstreamTargetRefused(target: authority, reason: refusal)
        }
        var request = request
        request.target = authority
        request.dynamicTargetPolicy = policy
        return try await transport.roundTrip(request, context: context)
    }

    /// The host of `authority` (`host`, `host:port`, `[v6]` or `[v6]:port`), without brackets; `nil` when
    /// it has none.
    static func host(of authority: String) -> String? {
        var host = Substring(authority)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        return host.isEmpty ? nil : String(host)
    }
}
