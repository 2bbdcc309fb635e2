import NIOCore
import ParapetCore
import Synchronization

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
                    throw BackendFailure()
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
