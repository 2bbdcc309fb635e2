import HTTPTypes
public import ParapetCore
import Synchronization

/// Liveness and readiness probes for orchestrators and load balancers: `GET /healthz` answers whether the
/// process is healthy, `GET /healthz?ready=1` whether it should get traffic.
///
/// Both answer `200 OK` or `503 Service Unavailable` (plain-text bodies `OK` and `Service Unavailable`).
/// Liveness follows ``isHealthy``; readiness follows ``isReady`` and fails from the moment the server
/// begins graceful shutdown — through its `waitBeforeShutdown`, while it still serves — so load balancers
/// stop sending traffic before the listener closes. That holds whether or not the probe was ever asked
/// before shutdown began: the state is the chain's ``ParapetCore/ChainEnvironment/shutdown``.
///
/// Readiness is selected by any non-empty `ready` query value. The path must match exactly; anything
/// else goes to the next handler. Unless ``answersNamedHosts``, only requests addressed to a literal IP
/// (`Host: 10.0.0.7:8080`, as orchestrators' probes are) are answered, so a public host name does not
/// expose the probe.
///
/// ```swift
/// let health = Healthz()
/// server.use(health)
/// // later, while warming a cache:
/// health.isReady = false
/// ```
public final class Healthz: Middleware, Sendable {
    /// The probe path, matched exactly (without the query).
    public let path: String
    /// Whether requests addressed to a host name, not only to an IP address, are answered.
    public let answersNamedHosts: Bool

    private let healthy = Atomic<Bool>(true)
    private let ready = Atomic<Bool>(true)

    /// Creates a healthy, ready probe at `path`.
    public init(path: String = "/healthz", answersNamedHosts: Bool = false) {
        self.path = path
        self.answersNamedHosts = answersNamedHosts
    }

    /// Whether the liveness probe answers `200`; setting it to `false` makes it answer `503`.
    ///
    /// ```swift
    /// health.isHealthy = false   // e.g. a wedged worker: let the orchestrator restart the process
    /// ```
    public var isHealthy: Bool {
        get { healthy.load(ordering: .relaxed) }
        set { healthy.store(newValue, ordering: .relaxed) }
    }

    /// Whether the readiness probe answers `200` (until shutdown begins); setting it to `false` makes it
    /// answer `503`.
    public var isReady: Bool {
        get { ready.load(ordering: .relaxed) }
        set { ready.store(newValue, ordering: .relaxed) }
    }

    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        ProbeHandler(healthz: self, shutdown: environment.shutdown, next: next)
    }

    struct ProbeHandler: Handler {
        let healthz: Healthz
        let shutdown: ShutdownState
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            guard let probe = healthz.probe(for: request) else {
                return try await next.handle(request, context: context)
            }
            let passes =
                switch probe {
                case .liveness: healthz.isHealthy
                case .readiness: healthz.isReady && !shutdown.isShuttingDown
                }
            return passes ? Self.answer("OK", .ok) : Self.answer("Service Unavailable", .serviceUnavailable)
        }

        private static func answer(_ text: String, _ status: HTTPResponse.Status) -> Response {
            Response(
                status: status, headerFields: [.contentType: "text/plain; charset=utf-8"], body: HTTPBody(string: text))
        }
    }
}
