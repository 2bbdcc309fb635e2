import HTTPTypes
public import NIOCore
public import NIOPosix
public import ParapetCore
public import ParapetUpstream

/// Picks a transport by the outgoing request's scheme, like the Go original's multi-scheme `Transport`:
/// `h2c` → ``H2CTransport``, `unix` → ``UnixSocketTransport``, `https` → ``HTTPSTransport``, anything
/// else → ``HTTPClientTransport``.
///
/// The scheme is ``ParapetUpstream/Upstream/Options/Policy/scheme``, so one transport serves upstreams of every
/// kind:
///
/// ```swift
/// let transport = DynamicTransport()
/// server.use(Upstream(SingleHost("/run/app.sock", transport: transport), .init(scheme: "unix")))
/// server.use(Upstream(SingleHost("grpc:8080", transport: transport), .init(scheme: "h2c")))
/// ```
///
/// Unlike the Go original, HTTPS verifies certificates unless ``Options/https`` says otherwise, and no
/// `Accept-Encoding` is added behind the client's back. Like every leaf transport it needs a target: a
/// request without one is refused (``ParapetUpstream/UpstreamTargetRefused``); wrap it in
/// ``ParapetUpstream/TargetFromHost`` to send each request to the host it names.
public final class DynamicTransport: Transport {
    /// The options of each transport.
    ///
    /// ```swift
    /// var options = DynamicTransport.Options()
    /// options.https.trustRoots = [internalCA]
    /// let transport = DynamicTransport(options: options)
    /// ```
    public struct Options: Sendable {
        /// For `http` (and any unknown scheme).
        public var http: HTTPClientTransport.Options
        /// For `https`.
        public var https: HTTPSTransport.Options
        /// For `h2c`.
        public var h2c: H2CTransport.Options
        /// For `unix`.
        public var unix: UnixSocketTransport.Options

        /// Creates options; each transport's default unless given.
        public init(
            http: HTTPClientTransport.Options = .init(),
            https: HTTPSTransport.Options = .init(),
            h2c: H2CTransport.Options = .init(),
            unix: UnixSocketTransport.Options = .init()
        ) {
            self.http = http
            self.https = https
            self.h2c = h2c
            self.unix = unix
        }
    }

    /// The transport for `http` and unknown schemes.
    public let http: HTTPClientTransport
    /// The transport for `https`.
    public let https: HTTPSTransport
    /// The transport for `h2c`.
    public let h2c: H2CTransport
    /// The transport for `unix`.
    public let unix: UnixSocketTransport

    /// Creates the four transports on `eventLoopGroup` (pass the server's).
    ///
    /// Bad options of any of them are reported when the chain holding the transport is built.
    public init(options: Options = Options(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        http = HTTPClientTransport(options: options.http, eventLoopGroup: eventLoopGroup)
        https = HTTPSTransport(options: options.https, eventLoopGroup: eventLoopGroup)
        h2c = H2CTransport(options: options.h2c, eventLoopGroup: eventLoopGroup)
        unix = UnixSocketTransport(options: options.unix, eventLoopGroup: eventLoopGroup)
    }

    /// Throws the problems of all four transports, each named.
    public func checkConfiguration() throws {
        try ChainBuildProblems.check(own: nil, transports: [http, https, h2c, unix])
    }

    /// Sends `request` through the transport its scheme selects.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        switch request.head.scheme?.lowercased() {
        case "h2c": try await h2c.roundTrip(request, context: context)
        case "unix": try await unix.roundTrip(request, context: context)
        case "https": try await https.roundTrip(request, context: context)
        default: try await http.roundTrip(request, context: context)
        }
    }

    /// Shuts down all four transports.
    public func shutdown() async {
        await http.shutdown()
        await https.shutdown()
        await h2c.shutdown()
        await unix.shutdown()
    }
}
