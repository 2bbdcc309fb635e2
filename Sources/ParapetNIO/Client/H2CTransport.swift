public import NIOCore
import HTTPTypes
public import NIOPosix
public import ParapetCore
public import ParapetUpstream

/// Cleartext HTTP/2 to upstreams that speak it with prior knowledge (h2c): one multiplexed connection
/// per target per event loop carries every concurrent request as a stream.
///
/// A request carrying an `Upgrade` field (a WebSocket handshake) goes over HTTP/1.1 instead, through an
/// ``HTTPClientTransport`` configured by ``Options/http1`` — HTTP/2 has no `Upgrade` (RFC 8441 is not
/// used), as in the Go original.
///
/// ```swift
/// let h2c = H2CTransport()
/// server.use(Upstream(SingleHost("grpc-backend:8080", transport: h2c)))
/// ```
///
/// Cancelling the caller resets its stream (`RST_STREAM`) and leaves the connection to the other
/// streams; a response body dropped before its end does the same. Errors are as for
/// ``HTTPClientTransport``.
public final class H2CTransport: Transport {
    /// How an ``H2CTransport`` connects; the defaults are the Go original's.
    ///
    /// ```swift
    /// let h2c = H2CTransport(options: .init(responseHeaderTimeout: .seconds(30)))
    /// ```
    public struct Options: Sendable, Equatable {
        /// The longest wait for a TCP connection to be established.
        public var connectTimeout: Duration
        /// How long a connection with no open stream is kept before it is closed.
        public var idleTimeout: Duration
        /// The longest wait for a response head once the request was written; `nil` (the Go default for
        /// HTTP/2) waits forever.
        public var responseHeaderTimeout: Duration?
        /// The HTTP/1.1 transport's options, for requests with an `Upgrade` field.
        public var http1: HTTPClientTransport.Options
        /// The most targets that keep a connection (default 256). A request for one more retires the
        /// connections of the least recently used target, which close once their open streams end: a bound
        /// on the connections a proxy whose clients choose targets (``ParapetUpstream/TargetFromHost``)
        /// holds open.
        public var maxPooledTargets: Int

        /// Creates options; every argument has the Go original's default (but ``maxPooledTargets``, which the
        /// Go original does not have, 256).
        public init(
            connectTimeout: Duration = .seconds(5),
            idleTimeout: Duration = .seconds(600),
            responseHeaderTimeout: Duration? = nil,
            http1: HTTPClientTransport.Options = HTTPClientTransport.Options(),
            maxPooledTargets: Int = 256
        ) {
            self.connectTimeout = connectTimeout
            self.idleTimeout = idleTimeout
            self.responseHeaderTimeout = responseHeaderTimeout
            self.http1 = http1
            self.maxPooledTargets = maxPooledTargets
        }

        /// Checks every field.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError`` naming every bad field.
        public func validate() throws(ConfigurationError) {
            var check = ConfigurationCheck()
            check.positive(connectTimeout, "connectTimeout")
            check.positive(idleTimeout, "idleTimeout")
            if let responseHeaderTimeout { check.positive(responseHeaderTimeout, "responseHeaderTimeout") }
            check.positive(maxPooledTargets, "maxPooledTargets")
            http1.check(&check)
            try check.result()
        }
    }

    /// The settings the transport was created with.
    public let options: Options
    /// Why the options cannot work: reported when the chain holding the transport is built, and thrown
    /// by every round trip.
    private let configurationError: ConfigurationError?
    let http2: UpstreamHTTP2Client
    /// The transport for requests with an `Upgrade` field.
    public let http1: HTTPClientTransport

    /// Creates a transport whose connections run on `eventLoopGroup` (pass the server's).
    ///
    /// Bad options are reported when the chain holding the transport is built, as a
    /// ``ParapetCore/ConfigurationError`` naming each.
    public init(options: Options = Options(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.options = options
        self.configurationError = .caught { () throws(ConfigurationError) in try options.validate() }
        self.http1 = HTTPClientTransport(options: options.http1, eventLoopGroup: eventLoopGroup)
        self.http2 = UpstreamHTTP2Client(
            loops: UpstreamEventLoops(group: eventLoopGroup),
            connector: UpstreamConnector(
                destination: .tcp(defaultPort: 80), connectTimeout: TimeAmount(upstream: options.connectTimeout), tls: nil),
            settings: UpstreamHTTP2Settings(
                responseHeaderTimeout: options.responseHeaderTimeout.map { TimeAmount(upstream: $0) },
                idleTimeout: TimeAmount(upstream: options.idleTimeout)),
            scheme: "http", maxPooledTargets: options.maxPooledTargets)
    }

    /// Sends `request` as a stream on the target's connection (or over HTTP/1.1 when it asks to upgrade)
    /// and returns the response once its head arrived.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        if let configurationError { throw configurationError }
        if request.head.headerFields[.upgrade] != nil {
            return try await http1.roundTrip(request, context: context)
        }
        guard let target = request.target else { throw UpstreamTargetRefused(target: nil, reason: .noTarget) }
        let response = try await http2.execute(
            request, target: target, resolver: context.runtime.resolver, interim: context.interimResponses)
        return UpstreamResponse(response: response, target: target)
    }

    /// Throws what is wrong with the options.
    public func checkConfiguration() throws {
        if let configurationError { throw configurationError }
    }

    /// Closes every connection; later requests fail.
    public func shutdown() async {
        http2.shutDown()
        await http1.shutdown()
    }

    /// The number of HTTP/2 connections (open or opening) to `target`: one per event loop that used it.
    public func connectionCount(target: String) -> Int {
        http2.connectionCount(target: target)
    }
}
