public import NIOCore
import HTTPTypes
public import NIOPosix
public import ParapetCore
public import ParapetUpstream

/// HTTP/1.1 over unix-domain sockets, pooled per socket path and event loop like
/// ``HTTPClientTransport``.
///
/// The target is the socket path; a trailing `:80` (which appears when the path came in as a URL host)
/// is trimmed. A request without authority is sent with `Host: localhost`.
///
/// ```swift
/// let unix = UnixSocketTransport()
/// server.use(Upstream(SingleHost("/run/app/http.sock", transport: unix)))
/// ```
public final class UnixSocketTransport: Transport {
    /// How a ``UnixSocketTransport`` connects and pools: the same settings as ``HTTPClientTransport``, counted
    /// per socket path, with the Go original's `UnixTransport` defaults (which match `HTTPTransport`'s).
    public typealias Options = HTTPClientTransport.Options

    /// The settings the transport was created with.
    public let options: Options
    /// Why the options cannot work: reported when the chain holding the transport is built, and thrown
    /// by every round trip.
    private let configurationError: ConfigurationError?
    let client: UpstreamHTTP1Client

    /// Creates a transport whose connections run on `eventLoopGroup` (pass the server's).
    ///
    /// Bad options are reported when the chain holding the transport is built, as a
    /// ``ParapetCore/ConfigurationError`` naming each.
    public init(options: Options = Options(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.options = options
        self.configurationError = .caught { () throws(ConfigurationError) in try options.validate() }
        self.client = UpstreamHTTP1Client(
            loops: UpstreamEventLoops(group: eventLoopGroup),
            connector: UpstreamConnector(
                destination: .unixSocket, connectTimeout: TimeAmount(upstream: options.connectTimeout), tls: nil),
            maxConnections: options.maxConnectionsPerTarget,
            maxIdle: options.maxIdleConnectionsPerTarget,
            settings: options.connectionSettings)
    }

    /// Sends `request` to the socket its ``ParapetUpstream/UpstreamRequest/target`` names.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        if let configurationError { throw configurationError }
        guard let target = request.target else { throw UpstreamTargetRefused(target: nil, reason: .noTarget) }
        let path = UpstreamConnector.socketPath(target)
        var request = request
        if request.head.authority == nil { request.head.authority = "localhost" }
        let response = try await client.execute(
            request, target: path, resolver: context.runtime.resolver, interim: context.interimResponses)
        return UpstreamResponse(response: response, target: target)
    }

    /// Throws what is wrong with the options.
    public func checkConfiguration() throws {
        if let configurationError { throw configurationError }
    }

    /// Closes every idle connection; later requests fail.
    public func shutdown() async {
        client.shutDown()
    }

    /// Open (or opening) and idle connections to the socket at `path`.
    public func connectionCounts(path: String) -> (open: Int, idle: Int) {
        client.pool.counts(target: path)
    }
}
