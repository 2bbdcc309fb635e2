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
/// let https = HTTPSTransport(options: .init(trustRoots: ca))
/// server.use(Upstream(SingleHost("api.internal:443", transport: https), .init(scheme: "https")))
/// ```
///
/// The SNI name (and the name the certificate must carry) is ``Options/serverName``, by default the
/// target's host; a target that is an IP literal sends no SNI and its certificate must name the address.
/// Once a target negotiated HTTP/2 its requests share one multiplexed connection per event loop.
public final class HTTPSTransport: Transport {
    /// The clients a valid configuration makes.
    private struct Clients: Sendable {
        let http1: UpstreamHTTP1Client
        let http2: UpstreamHTTP2Client
        /// The targets that negotiated HTTP/2.
        let http2Targets: UpstreamTargetSet
    }

    /// The settings the transport was created with.
    public let options: Options
    /// The clients, or why the options cannot make them (a bad option, or a TLS setting NIOSSL rejects):
    /// reported when the chain holding the transport is built, and thrown by every round trip.
    private let clients: Result<Clients, ConfigurationError>

    /// Creates a transport whose connections run on `eventLoopGroup` (pass the server's).
    ///
    /// Bad options are reported when the chain holding the transport is built, as a
    /// ``ParapetCore/ConfigurationError`` naming each (a TLS setting NIOSSL rejects is reported as `tls`).
    public init(options: Options = Options(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.options = options
        self.clients = Result { () throws(ConfigurationError) in
            try Self.makeClients(options: options, loops: UpstreamEventLoops(group: eventLoopGroup))
        }
    }

    private static func makeClients(options: Options, loops: UpstreamEventLoops) throws(ConfigurationError) -> Clients {
        try options.validate()
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
        let http1 = UpstreamHTTP1Client(
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
        return Clients(http1: http1, http2: http2, http2Targets: http2Targets)
    }

    /// Sends `request` over TLS and returns the response once its head arrived.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        let clients = try self.clients.get()
        let (http1, http2, http2Targets) = (clients.http1, clients.http2, clients.http2Targets)
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

    /// Throws what is wrong with the options.
    public func checkConfiguration() throws {
        _ = try clients.get()
    }

    /// Closes every connection; later requests fail.
    public func shutdown() async {
        guard case .success(let clients) = clients else { return }
        clients.http2.shutDown()
        clients.http1.shutDown()
    }

    /// Whether `target` negotiated HTTP/2 (its requests are multiplexed).
    public func usesHTTP2(target: String) -> Bool {
        guard case .success(let clients) = clients else { return false }
        return clients.http2Targets.contains(target)
    }
}
