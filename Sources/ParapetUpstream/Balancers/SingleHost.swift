public import ParapetCore

/// A transport to one address: it sets ``UpstreamRequest/target`` and hands the request to the leaf
/// transport that reaches it. The `Host` the upstream sees stays the client's (or ``Upstream/Options/Policy/host``).
///
/// ```swift
/// server.use(Upstream(SingleHost("wordpress.default.svc.cluster.local:80", transport: http)))
/// ```
public struct SingleHost: Transport {
    /// The dial address: `host:port`, or a socket path for a unix transport.
    public let address: String
    /// The transport that carries requests to ``address``.
    public let transport: any Transport

    /// Creates a transport to `address` over `transport`.
    public init(_ address: String, transport: any Transport) {
        self.address = address
        self.transport = transport
    }

    /// Throws the problems of the transport.
    public func checkConfiguration() throws {
        try ChainBuildProblems.check(own: nil, transports: [transport])
    }

    /// Sends `request` to ``address`` through ``transport``.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        var request = request
        request.target = address
        return try await transport.roundTrip(request, context: context)
    }
}
