import HTTPTypes
import InMemoryLogging
import Logging
import NIOCore
import ParapetCore
import ParapetSimulation
import ParapetUpstream
import Synchronization

// The test kit of this target: recorders, stand-in errors, requests and contexts, the simulation, and the
// helpers that drive a transport. The stand-in backends are in TestKit+Backends.swift, streamed bodies in
// TestKit+Bodies.swift.

/// A shared count that remembers the highest value it reached.
final class Gauge: Sendable {
    private let storage = Mutex((value: 0, peak: 0))

    func increment() {
        storage.withLock { state in
            state.value += 1
            state.peak = max(state.peak, state.value)
        }
    }

    func decrement() {
        storage.withLock { $0.value -= 1 }
    }

    var value: Int { storage.withLock { $0.value } }
    var peak: Int { storage.withLock { $0.peak } }
}

/// The error a stand-in backend fails with, naming the target when it knows it.
struct BackendFailure: Error, Equatable {
    var target: String?
}

/// A connection reset, as a leaf transport reports it.
let resetByPeer = UpstreamError.failed(target: "backend:80", underlying: BackendFailure())

/// A silent logger.
let quietLogger = Logger(label: "parapet.upstream.tests") { _ in SwiftLogNoOpLogHandler() }

/// A logger that keeps what it logs, and the handler to read it from.
func memoryLogger() -> (Logger, InMemoryLogHandler) {
    let handler = InMemoryLogHandler()
    return (Logger(label: "test", factory: { _ in handler }), handler)
}

extension RequestContext {
    /// A context for one request on `runtime`, from `peer`, logging to `logger`.
    static func test(
        _ runtime: Runtime, peer: String? = "203.0.113.7:50000", logger: Logger = quietLogger
    ) -> RequestContext {
        RequestContext(
            connection: ConnectionInfo(peer: peer.flatMap { NetworkAddress(parsing: $0) }), logger: logger,
            runtime: runtime)
    }
}

extension Request {
    /// A client's request, as the proxy receives it.
    static func test(
        _ method: HTTPRequest.Method = .get, path: String = "/", authority: String = "client.example",
        headers: HTTPFields = [:], body: HTTPBody = .empty
    ) -> Request {
        Request(
            head: HTTPRequest(method: method, scheme: "http", authority: authority, path: path, headerFields: headers),
            body: body)
    }
}

extension UpstreamRequest {
    /// A request to `example.com`, as a balancer receives it.
    static func test(
        _ method: HTTPRequest.Method = .get, path: String = "/", headers: HTTPFields = [:], body: HTTPBody = .empty,
        attempt: Int = 0
    ) -> UpstreamRequest {
        UpstreamRequest(
            head: HTTPRequest(
                method: method, scheme: "http", authority: "example.com", path: path, headerFields: headers),
            body: body,
            attempt: attempt
        )
    }
}

extension MonotonicInstant {
    /// The instant `duration` after the origin.
    static func at(_ duration: Duration) -> MonotonicInstant {
        MonotonicInstant.zero.advanced(by: duration)
    }
}

extension TargetPool {
    /// A pool of `addresses`, all reached through `transport`.
    convenience init(addresses: [String], transport: any Transport) {
        self.init(addresses.map { Target($0, transport: transport) })
    }
}

/// Runs `body` in a fresh simulation: virtual time, seeded randomness, spawned work drained at the end.
func simulate<T: Sendable>(
    seed: UInt64 = 1,
    _ body: @escaping @Sendable (Runtime) async throws -> T
) async throws -> T {
    try await Simulation(seed: seed).run(timeLimit: .seconds(86_400), body)
}

extension Transport {
    /// The outcome of one round trip, never throwing.
    func outcome(
        _ request: UpstreamRequest = .test(), context: RequestContext
    ) async -> Result<UpstreamResponse, any Error> {
        do {
            return .success(try await roundTrip(request, context: context))
        } catch {
            return .failure(error)
        }
    }
}

extension Result where Success == UpstreamResponse, Failure == any Error {
    /// The answering target, or `nil` for an error.
    var target: String? {
        if case .success(let answer) = self { answer.target } else { nil }
    }

    /// The shed reason, when the balancer shed the request.
    var shedReason: ShedReason? {
        if case .failure(UpstreamError.unavailable(let reason)) = self { reason } else { nil }
    }
}

/// Sends `count` requests one after another through `transport`, reading each answer's body, and returns
/// the target each answer named.
func route(_ count: Int, through transport: any Transport, context: RequestContext) async throws -> [String] {
    var targets: [String] = []
    for _ in 0..<count {
        let answer = try await transport.roundTrip(.test(), context: context)
        _ = try await answer.response.body.collect(upTo: 1 << 20)
        targets.append(answer.target ?? "?")
    }
    return targets
}

/// The proxy handler built from `transport` and `options` on `runtime`.
func proxy(_ transport: any Transport, _ options: Upstream.Options = Upstream.Options(), runtime: Runtime) throws
    -> any Handler
{
    try Upstream(transport, options).wrap(
        Endpoint.notFound, in: ChainEnvironment(runtime: runtime, logger: quietLogger))
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
        guard let result = try await group.next() else { throw BackendFailure() }
        return result
    }
}

extension Response {
    /// The body as text.
    func text() async throws -> String {
        String(buffer: try await body.collect(upTo: 1 << 16))
    }
}
