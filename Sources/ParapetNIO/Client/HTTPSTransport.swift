public import NIOCore
import HTTPTypes
public import NIOPosix
import NIOSSL
public import ParapetCore
public import ParapetUpstream

/// HTTPS to upstreams: TLS (verified by default) with ALPN offering `h2` then `http/1.1`; HTTP/2 when
/// the upstream picks it, otherwise pooled HTTP/1.1 as in ``HTTPClientTransport``.
///
/// **Verification.** The Go original's `HTTPSTransport` skips certificate verification unless given a
/// TLS configuration. Parapet for Swift verifies by default — against the system's trust roots, or
/// ``Options/trustRoots`` — and skips only with ``Options/insecureSkipVerify``.
///
/// ```swift
/// let ca = try NIOSSLCertificate.fromPEMFile("/etc/parapet/internal-ca.pem")
/// let https = try HTTPSTransport(options: .init(trustRoots: ca))
/// server.use(Upstream(SingleHost("api.internal:443", transport: https), .init(scheme: "https")))
/// ```
///
/// The SNI name (and the name the certificate must carry) is ``Options/serverName``, by default the
/// target's host; a target that is an IP literal sends no SNI and its certificate must name the address.
/// Once a target negotiated HTTP/2 its requests share one multiplexed connection per event loop.
public final class HTTPSTransport: Transport {
    /// The settings the transport was created with.
    public let options: Options
    let http1: UpstreamHTTP1Client
    let http2: UpstreamHTTP2Client
    private let http2Targets: UpstreamTargetSet

    /// Creates a transport whose connections run on `eventLoopGroup` (pass the server's).
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` naming the first bad
    ///   option (a TLS setting NIOSSL rejects is reported as `tls`).
    public init(options: Options = Options(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton)
        throws
    {
        try options.validate()
        self.options = options
        let loops = UpstreamEventLoops(group: eventLoopGroup)
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: options.tlsConfiguration)
        } catch {
            throw ConfigurationError.invalidValue(field: "tls", reason: "\(error)")
        }
        let tls = UpstreamTLSSettings(
            context: context, serverName: options.serverName,
            handshakeTimeout: TimeAmount(upstream: options.tlsHandshakeTimeout))
        let connector = UpstreamConnector(
            destination: .tcp(defaultPort: 443), connectTimeout: TimeAmount(upstream: options.connectTimeout), tls: tls)
        let http2 = UpstreamHTTP2Client(
            loops: loops, connector: connector,
            settings: UpstreamHTTP2Settings(
                responseHeaderTimeout: options.responseHeaderTimeout.map { TimeAmount(upstream: $0) },
                idleTimeout: TimeAmount(upstream: options.idleTimeout)),
            scheme: "https", maxPooledTargets: options.maxPooledTargets)
        let http2Targets = UpstreamTargetSet()
        self.http2 = http2
        self.http2Targets = http2Targets
        self.http1 = UpstreamHTTP1Client(
            loops: loops, connector: connector, maxConnections: options.maxConnectionsPerTarget,
            maxIdle: options.maxIdleConnectionsPerTarget, maxPooledTargets: options.maxPooledTargets,
            settings: UpstreamHTTP1Handler.Settings(
                responseHeaderTimeout: options.responseHeaderTimeout.map { TimeAmount(upstream: $0) },
                idleTimeout: TimeAmount(upstream: options.idleTimeout))
        ) { connected, target in
            guard connected.negotiatedProtocol == "h2" else { return false }
            try http2.adopt(connected.channel, target: target)
            http2Targets.insert(target)
            return true
        }
    }

    /// Sends `request` over TLS and returns the response once its head arrived.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        guard let target = request.target else { throw UpstreamTargetRefused(target: nil, reason: .noTarget) }
        let resolver = context.runtime.resolver
        let interim = context.interimResponses
        let response: Response
        if http2Targets.contains(target) {
            do {
                response = try await http2.execute(request, target: target, resolver: resolver, interim: interim)
            } catch UpstreamError.failed(_, let underlying) where underlying is UpstreamNegotiatedHTTP1 {
                http2Targets.remove(target)
                response = try await http1.execute(request, target: target, resolver: resolver, interim: interim)
            }
        } else {
            do {
                response = try await http1.execute(request, target: target, resolver: resolver, interim: interim)
            } catch is UpstreamNegotiatedHTTP2 {
                response = try await http2.execute(request, target: target, resolver: resolver, interim: interim)
            }
        }
        return UpstreamResponse(response: response, target: target)
    }

    /// Closes every connection; later requests fail.
    public func shutdown() async {
        http2.shutDown()
        http1.shutDown()
    }

    /// Whether `target` negotiated HTTP/2 (its requests are multiplexed).
    public func usesHTTP2(target: String) -> Bool {
        http2Targets.contains(target)
    }
}
