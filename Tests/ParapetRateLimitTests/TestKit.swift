import HTTPTypes
import Logging
import NIOCore
import ParapetCore
import ParapetSimulation
import Synchronization

@testable import ParapetRateLimit

// The test kit of this target: recorders, requests and contexts, the simulation, and streamed bodies that
// report when they are over.

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

/// A silent logger.
let quietLogger = Logger(label: "parapet.ratelimit.tests") { _ in SwiftLogNoOpLogHandler() }

/// A whole hour (so also a whole minute and second) since the Unix epoch.
let wholeMinute = WallInstant(secondsSinceEpoch: 1_800_000_000)

extension RequestContext {
    /// A context for one request on `runtime` from `peer` (`nil`: an unknown peer).
    static func test(_ runtime: Runtime, peer: String? = "203.0.113.7:50000") -> RequestContext {
        RequestContext(
            connection: ConnectionInfo(peer: peer.flatMap { NetworkAddress(parsing: $0) }), logger: quietLogger,
            runtime: runtime)
    }
}

extension Request {
    /// A client's request for `path`.
    static func test(_ path: String = "/", headers: HTTPFields = [:]) -> Request {
        Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "example.com", path: path, headerFields: headers)
        )
    }
}

extension RateLimitVerdict {
    /// Admitted after `delay`, with `remaining` requests and `reset` left.
    static func go(after delay: Duration = .zero, remaining: Int, reset: Duration) -> RateLimitVerdict {
        .admitted(delay: delay, status: RateLimitStatus(remaining: remaining, reset: reset))
    }

    /// Refused for `wait`, which is also when the quota is next replenished.
    static func refused(for wait: Duration) -> RateLimitVerdict {
        .limited(retryAfter: wait, status: RateLimitStatus(remaining: 0, reset: wait))
    }
}

extension MonotonicInstant {
    /// The instant `duration` after the origin.
    static func at(_ duration: Duration) -> MonotonicInstant {
        MonotonicInstant.zero.advanced(by: duration)
    }
}

extension WallInstant {
    /// The civil instant `duration` after `wholeMinute`.
    static func minute(plus duration: Duration) -> WallInstant {
        wholeMinute.advanced(by: duration)
    }
}

/// The handler `limit` builds in front of `next` (by default answering `200 ok`) on `runtime`.
func handler(
    _ limit: RateLimit, runtime: Runtime, next: any Handler = Endpoint { _, _ in .text("ok") }
) throws -> any Handler {
    try limit.wrap(next, in: ChainEnvironment(runtime: runtime, logger: quietLogger))
}

/// Runs `body` in a fresh simulation whose civil time starts at `wallClockStart`.
func simulate<T: Sendable>(
    seed: UInt64 = 1, wallClockStart: WallInstant = wholeMinute,
    _ body: @escaping @Sendable (Runtime) async throws -> T
) async throws -> T {
    try await Simulation(seed: seed, wallClockStart: wallClockStart).run(timeLimit: .seconds(86_400), body)
}

extension Response {
    /// The body as text.
    func text() async throws -> String {
        String(buffer: try await body.collect(upTo: 1 << 16))
    }

    /// The `Retry-After` value.
    var retryAfter: String? { headerFields[.retryAfter] }
}

/// Counts a response in a ``Gauge`` until its body is over: ended, failed, or dropped.
final class GaugeToken: Sendable {
    private let gauge: Gauge
    private let isOver = Atomic<Bool>(false)

    init(_ gauge: Gauge) {
        self.gauge = gauge
        gauge.increment()
    }

    func end() {
        if !isOver.exchange(true, ordering: .acquiringAndReleasing) { gauge.decrement() }
    }

    deinit { end() }
}

/// How a ``PacedBody`` ends.
enum BodyEnding: Sendable {
    case complete
    case failure
}

struct BodyFailure: Error {}

/// A streamed body of `chunks` chunks, one every `pause` of the injected clock, ending as `ending` says and
/// ending `token` when it is over.
struct PacedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let chunks: Int
    let pause: Duration
    let clock: any MonotonicClock
    let ending: BodyEnding
    let token: GaugeToken?

    func makeAsyncIterator() -> Iterator {
        Iterator(body: self)
    }

    struct Iterator: AsyncIteratorProtocol {
        let body: PacedBody
        var sent = 0

        mutating func next() async throws -> ByteBuffer? {
            guard sent < body.chunks else {
                body.token?.end()
                if case .failure = body.ending { throw BodyFailure() }
                return nil
            }
            try await body.clock.sleep(for: body.pause)
            sent += 1
            return ByteBuffer(string: "chunk \(sent)\n")
        }
    }
}

extension HTTPBody {
    /// A ``PacedBody`` as a response body.
    static func paced(
        chunks: Int = 2, pause: Duration = .milliseconds(5), clock: any MonotonicClock, ending: BodyEnding = .complete,
        token: GaugeToken? = nil
    ) -> HTTPBody {
        HTTPBody(stream: PacedBody(chunks: chunks, pause: pause, clock: clock, ending: ending, token: token))
    }
}
