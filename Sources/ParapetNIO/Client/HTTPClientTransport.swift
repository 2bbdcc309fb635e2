public import NIOCore
import HTTPTypes
public import NIOPosix
public import ParapetCore
public import ParapetUpstream

/// The production HTTP/1.1 transport: keep-alive connection pools per target, on SwiftNIO.
///
/// Each target (`host:port`) has its own pool, and within it each event loop keeps its own connections:
/// a request handled on event loop *L* — as every request the Parapet server runs is — sends on an idle
/// connection of *L* or opens a new one on *L*, so the proxied exchange never changes threads (the
/// nginx/HAProxy worker model). A caller on no loop of the group uses any idle connection, or opens one
/// on the next loop.
///
/// ```swift
/// let http = HTTPClientTransport(options: .init(maxConnectionsPerTarget: 64))
/// server.use(Upstream(SingleHost("10.0.0.7:8080", transport: http)))
/// // on shutdown:
/// await http.shutdown()
/// ```
///
/// ## Exchanges
/// - The request goes out with `Host` from the head's authority (the target when it has none), its
///   fields, and `content-length` for a body of known length or `transfer-encoding: chunked` for a
///   stream; the body streams with backpressure.
/// - ``roundTrip(_:context:)`` returns once the response head arrived; the body streams with
///   backpressure (the socket is not read while the reader lags). A failure after the head makes the
///   body's iteration throw.
/// - Informational responses (`1xx` but `101`) are skipped; a `101` is returned without a body and its
///   connection closed (this transport does not tunnel upgraded connections).
/// - A connection goes back to its pool only once the response body ended, the request was fully
///   written and neither side asked to close; a response body dropped before its end closes it.
/// - Cancelling the caller's task — while it waits for the head or while it reads the body — closes
///   the connection, which is how hedging stops a losing leg.
/// - A request written on a reused connection that the server closed before answering a byte (its
///   keep-alive timer fired as the request left) is sent once more on a fresh connection when it is
///   idempotent and has no body.
///
/// ## Errors
/// ``ParapetUpstream/UpstreamError/failed(target:underlying:)`` for refused, reset and broken exchanges;
/// ``ParapetUpstream/UpstreamError/timedOut(target:)`` when no head arrived within
/// ``Options/responseHeaderTimeout`` after the request was written; `CancellationError` when the caller
/// was cancelled; ``ParapetUpstream/UpstreamTargetRefused`` for a request without a target, and for one
/// whose target a client chose (``ParapetUpstream/TargetFromHost``) resolving to an address its policy
/// refuses — checked on the resolved addresses, which are the ones dialled.
///
/// ## Pools
/// Each target keeps up to ``Options/maxIdleConnectionsPerTarget`` idle connections; at most
/// ``Options/maxPooledTargets`` targets (default 256) keep any. When one more target parks an idle
/// connection, the idle connections of the least recently used other target are closed, so a proxy whose
/// clients choose targets cannot be made to hold connections to every host they name.
public final class HTTPClientTransport: Transport {
    /// The settings the transport was created with.
    public let options: Options
    /// Why the options cannot work: reported when the chain holding the transport is built, and thrown
    /// by every round trip.
    private let configurationError: ConfigurationError?
    let client: UpstreamHTTP1Client

    /// Creates a transport whose connections run on `eventLoopGroup` — pass the server's group (the
    /// default, `.singleton`, is the server's default) so connections share the request's loop.
    ///
    /// Bad options are reported when the chain holding the transport is built, as a
    /// ``ParapetCore/ConfigurationError`` naming each.
    public init(options: Options = Options(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.options = options
        self.configurationError = .caught { () throws(ConfigurationError) in try options.validate() }
        self.client = UpstreamHTTP1Client(
            loops: UpstreamEventLoops(group: eventLoopGroup),
            connector: UpstreamConnector(
                destination: .tcp(defaultPort: 80), connectTimeout: TimeAmount(upstream: options.connectTimeout), tls: nil),
            maxConnections: options.maxConnectionsPerTarget,
            maxIdle: options.maxIdleConnectionsPerTarget, maxPooledTargets: options.maxPooledTargets,
            settings: options.connectionSettings)
    }

    /// Sends `request` to its ``ParapetUpstream/UpstreamRequest/target`` and returns the response once its
    /// head arrived.
    ///
    /// A request without a target is refused (``ParapetUpstream/UpstreamTargetRefused``, answered `502`):
    /// the transport never dials the client's `Host` on its own — that made a bare
    /// `Upstream(HTTPClientTransport())` an open proxy. Wrap it in ``ParapetUpstream/SingleHost``, a
    /// balancer, or — to opt in to targets chosen by clients — ``ParapetUpstream/TargetFromHost``.
    ///
    /// ```swift
    /// let answer = try await http.roundTrip(UpstreamRequest(head: head, target: "127.0.0.1:8080"), context: context)
    /// for try await chunk in answer.response.body { … }
    /// ```
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        if let configurationError { throw configurationError }
        guard let target = request.target else { throw UpstreamTargetRefused(target: nil, reason: .noTarget) }
        let response = try await client.execute(
            request, target: target, resolver: context.runtime.resolver, interim: context.interimResponses)
        return UpstreamResponse(response: response, target: target)
    }

    /// Throws what is wrong with the options.
    public func checkConfiguration() throws {
        if let configurationError { throw configurationError }
    }

    /// Closes every idle connection; connections in use close when their exchange ends, and later
    /// requests fail.
    public func shutdown() async {
        client.shutDown()
    }

    /// Open (or opening) and idle connections to `target`, for tests and metrics.
    public func connectionCounts(target: String) -> (open: Int, idle: Int) {
        client.pool.counts(target: target)
    }
}
