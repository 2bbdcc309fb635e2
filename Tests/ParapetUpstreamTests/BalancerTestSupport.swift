import HTTPTypes
import Logging
import NIOCore
import ParapetCore
import ParapetSimulation
import ParapetUpstream
import Synchronization

/// A thread-safe, ordered list for collecting observations from simulated tasks.
final class Observations<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    func append(_ element: Element) {
        storage.withLock { $0.append(element) }
    }

    var elements: [Element] {
        storage.withLock { $0 }
    }
}

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

/// Runs `action` exactly once: when ``finish()`` is first called, or when the ticket goes away.
final class Ticket: Sendable {
    private let isDone = Atomic(false)
    private let action: @Sendable () -> Void

    init(_ action: @escaping @Sendable () -> Void) {
        self.action = action
    }

    func finish() {
        if !isDone.exchange(true, ordering: .acquiringAndReleasing) {
            action()
        }
    }

    deinit {
        finish()
    }
}

/// The error stub backends fail with.
struct StubFailure: Error, Equatable {}

/// A stand-in backend: answers every request with `handler`.
struct StubTransport: Transport {
    let handler: @Sendable (UpstreamRequest, RequestContext) async throws -> UpstreamResponse

    init(_ handler: @escaping @Sendable (UpstreamRequest, RequestContext) async throws -> UpstreamResponse) {
        self.handler = handler
    }

    func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        try await handler(request, context)
    }

    /// A backend answering `200 ok` at once, recording the target of every request in `routes`.
    static func ok(recording routes: Observations<String>? = nil) -> StubTransport {
        StubTransport { request, _ in
            routes?.append(request.target ?? "?")
            return UpstreamResponse(response: .text("ok\n"), target: request.target)
        }
    }
}

/// A streamed body of `chunks` chunks, one per `delay` on the clock; optionally failing after `failsAfter`
/// chunks. `ticket` is finished when the stream ends, fails, or is dropped.
struct ScriptedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    var chunks: Int
    var chunkSize = 16
    var delay: Duration = .zero
    var clock: (any MonotonicClock)?
    var failsAfter: Int?
    var ticket: Ticket?
    var pulled: Gauge?

    func makeAsyncIterator() -> Iterator {
        Iterator(body: self)
    }

    struct Iterator: AsyncIteratorProtocol {
        typealias Element = ByteBuffer
        typealias Failure = any Error

        let body: ScriptedBody
        var sent = 0

        mutating func next() async throws -> ByteBuffer? {
            do {
                if sent == body.failsAfter {
                    throw StubFailure()
                }
                guard sent < body.chunks else {
                    body.ticket?.finish()
                    return nil
                }
                if let clock = body.clock, body.delay > .zero {
                    try await clock.sleep(for: body.delay)
                }
                sent += 1
                body.pulled?.increment()
                return ByteBuffer(repeating: UInt8(ascii: "a"), count: body.chunkSize)
            } catch {
                body.ticket?.finish()
                throw error
            }
        }
    }

    var httpBody: HTTPBody {
        HTTPBody(stream: self)
    }
}

/// A silent logger.
let quietLogger = Logger(label: "parapet.upstream.tests") { _ in SwiftLogNoOpLogHandler() }

/// A request context over `runtime`.
func makeContext(_ runtime: Runtime) -> RequestContext {
    RequestContext(connection: ConnectionInfo(peer: nil), logger: quietLogger, runtime: runtime)
}

/// A client request for `path` on `example.com`.
func makeRequest(_ path: String = "/") -> UpstreamRequest {
    UpstreamRequest(head: HTTPRequest(method: .get, scheme: "http", authority: "example.com", path: path))
}

/// Runs `body` in a fresh simulation: virtual time, seeded randomness, spawned work drained at the end.
func simulate<T: Sendable>(
    seed: UInt64 = 1,
    _ body: @escaping @Sendable (Runtime) async throws -> T
) async throws -> T {
    try await Simulation(seed: seed).run(timeLimit: .seconds(86_400), body)
}

/// A `MonotonicInstant` `seconds` after the origin.
func at(_ seconds: Int64) -> MonotonicInstant {
    MonotonicInstant.zero.advanced(by: .seconds(seconds))
}

/// Sends `count` requests one after another through `transport`, reading each answer's body, and returns
/// the target each answer named.
func route(_ count: Int, through transport: any Transport, context: RequestContext) async throws -> [String] {
    var targets: [String] = []
    for _ in 0..<count {
        let answer = try await transport.roundTrip(makeRequest(), context: context)
        _ = try await answer.response.body.collect(upTo: 1 << 20)
        targets.append(answer.target ?? "?")
    }
    return targets
}
