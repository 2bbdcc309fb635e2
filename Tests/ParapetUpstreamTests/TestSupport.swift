import HTTPTypes
import InMemoryLogging
import Logging
import NIOCore
import ParapetCore
import ParapetSimulation
import ParapetUpstream
import Synchronization

/// A stand-in backend: answers each round trip with the next step of its script (the last step repeats),
/// and records what it was sent, when, and the body it read.
final class ScriptedTransport: Transport {
    enum Step: Sendable {
        /// Answers with a response after `delay`.
        case respond(HTTPResponse.Status, HTTPFields = [:], body: HTTPBody = .empty, after: Duration = .zero)
        /// Fails with `error` after `delay`.
        case fail(any Error, after: Duration = .zero)
        /// Waits for the request's cancellation and throws `error` then (`CancellationError` when `nil`),
        /// like a client that reports the torn-down exchange as a reset.
        case hang(throwing: (any Error)? = nil)
    }

    struct Call: Sendable {
        let request: UpstreamRequest
        let at: MonotonicInstant
        let body: String
    }

    let target: String?
    private let state: Mutex<(script: [Step], calls: [Call])>

    init(target: String? = "backend:80", _ script: [Step]) {
        self.target = target
        self.state = Mutex((script, []))
    }

    var calls: [Call] { state.withLock { $0.calls } }

    func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        let body = String(buffer: try await request.body.collect(upTo: 1 << 16))
        let step = state.withLock { state in
            state.calls.append(Call(request: request, at: context.runtime.clock.now, body: body))
            return state.script.count > 1 ? state.script.removeFirst() : state.script.first
        }
        switch step {
        case .respond(let status, let fields, let body, let delay):
            try await context.runtime.clock.sleep(for: delay)
            return UpstreamResponse(
                response: Response(status: status, headerFields: fields, body: body), target: target)
        case .fail(let error, let delay):
            try await context.runtime.clock.sleep(for: delay)
            throw error
        case .hang(let replacement):
            do {
                try await context.runtime.clock.sleep(for: .seconds(86_400))
            } catch {
                throw replacement ?? error
            }
            throw UpstreamError.timedOut(target: target)
        case nil:
            throw UpstreamError.unavailable(.empty)
        }
    }
}

/// Collects values reported from any task.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func record(_ value: Value) { values.withLock { $0.append(value) } }

    var all: [Value] { values.withLock { $0 } }
}

struct Boom: Error, Equatable {}

let resetByPeer = UpstreamError.failed(target: "backend:80", underlying: Boom())

/// A client request.
func clientRequest(
    _ method: HTTPRequest.Method = .get, path: String = "/", authority: String = "client.example",
    headers: HTTPFields = [:], body: HTTPBody = .empty
) -> Request {
    Request(
        head: HTTPRequest(method: method, scheme: "http", authority: authority, path: path, headerFields: headers),
        body: body)
}

/// A request context on `runtime`, its peer `peer`.
func requestContext(_ runtime: Runtime, peer: String? = "203.0.113.7:50000", logger: Logger = Logger(label: "test"))
    -> RequestContext
{
    RequestContext(
        connection: ConnectionInfo(peer: peer.flatMap { NetworkAddress(parsing: $0) }), logger: logger, runtime: runtime
    )
}

/// The proxy handler built from `transport` and `options` on `runtime`.
func proxy(_ transport: any Transport, _ options: Upstream.Options = Upstream.Options(), runtime: Runtime) throws
    -> any Handler
{
    try Upstream(transport, options).wrap(
        Endpoint.notFound, in: ChainEnvironment(runtime: runtime, logger: Logger(label: "test")))
}

/// Runs `handler` for `request` as a child task and cancels it after `delay` of virtual time.
func handleCancelled(
    _ handler: any Handler, _ request: Request, context: RequestContext, after delay: Duration
) async throws -> Result<Response, any Error> {
    try await withThrowingTaskGroup(of: Result<Response, any Error>.self) { group in
        group.addTask {
            do {
                return .success(try await handler.handle(request, context: context))
            } catch {
                return .failure(error)
            }
        }
        try await context.runtime.clock.sleep(for: delay)
        group.cancelAll()
        guard let result = try await group.next() else { throw Boom() }
        return result
    }
}

/// A logger that keeps what it logs, and the handler to read it from.
func memoryLogger() -> (Logger, InMemoryLogHandler) {
    let handler = InMemoryLogHandler()
    return (Logger(label: "test", factory: { _ in handler }), handler)
}

extension Response {
    /// The body as text.
    func text() async throws -> String {
        String(buffer: try await body.collect(upTo: 1 << 16))
    }
}

extension MonotonicInstant {
    static func ms(_ milliseconds: Int64) -> MonotonicInstant { .zero.advanced(by: .milliseconds(milliseconds)) }
}
