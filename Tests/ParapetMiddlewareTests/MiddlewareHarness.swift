import HTTPTypes
import Logging
import NIOCore
import ParapetCore
import ParapetSimulation
import Testing

/// Runs one middleware in front of a terminal handler on a simulated runtime (virtual clock, seeded
/// randomness), so middleware tests need no sockets and no real time.
struct MiddlewareHarness {
    let simulation: Simulation

    init(seed: UInt64 = 1) {
        simulation = Simulation(seed: seed)
    }

    var environment: ChainEnvironment {
        ChainEnvironment(runtime: simulation.runtime, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    var context: RequestContext {
        RequestContext(
            connection: ConnectionInfo(peer: nil), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            runtime: simulation.runtime)
    }

    /// A request for `path` on `host`.
    static func request(
        _ method: HTTPRequest.Method = .get, _ path: String = "/", host: String = "example.com", fields: HTTPFields = [:],
        body: HTTPBody = .empty
    ) -> Request {
        Request(head: HTTPRequest(method: method, scheme: "http", authority: host, path: path, headerFields: fields), body: body)
    }

    /// Sends `request` through `middleware` in front of `next` (by default a handler answering
    /// `200 next` with the path it saw).
    func send(
        _ request: Request, through middleware: any Middleware,
        next: any Handler = Endpoint { request, _ in .text("next \(request.path ?? "")") }
    ) async throws -> Response {
        try await middleware.wrap(next, in: environment).handle(request, context: context)
    }

    /// The configuration errors a server's build of a chain holding only `middleware` reports, in order,
    /// each as the ``ConfigurationError`` it is; none when it builds.
    func configurationErrors(building middleware: any Middleware) throws -> [ConfigurationError] {
        do {
            _ = try Middlewares([middleware]).wrap(Endpoint.notFound, in: environment)
            return []
        } catch let error as ChainBuildError {
            return try error.problems.map { try #require($0.error as? ConfigurationError, "\($0)") }
        }
    }
}

extension Response {
    /// The body as text (up to 1 MiB).
    func text() async throws -> String {
        String(buffer: try await body.collect(upTo: 1 << 20))
    }
}
