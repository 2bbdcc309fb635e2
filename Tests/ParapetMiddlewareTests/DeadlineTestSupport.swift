import HTTPTypes
import NIOCore
import ParapetCore
import Synchronization

/// A body whose chunks arrive on the runtime's clock: each after waiting its delay, as a slow upstream
/// sends them.
struct TimedChunks: AsyncSequence, Sendable {
    let clock: any MonotonicClock
    let chunks: [(after: Duration, text: String)]

    func makeAsyncIterator() -> Iterator { Iterator(clock: clock, chunks: chunks[...]) }

    struct Iterator: AsyncIteratorProtocol {
        let clock: any MonotonicClock
        var chunks: ArraySlice<(after: Duration, text: String)>

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = chunks.popFirst() else { return nil }
            try await clock.sleep(for: chunk.after)
            return ByteBuffer(string: chunk.text)
        }
    }
}

/// A next handler that waits `delay` on the runtime's clock before answering `200 on time`, noting whether
/// it was cancelled and the deadline its context carried.
final class SlowHandler: Handler {
    let delay: Duration
    private let observed = Mutex<(wasCancelled: Bool, deadline: MonotonicInstant?)>((false, nil))

    init(_ delay: Duration) {
        self.delay = delay
    }

    var wasCancelled: Bool { observed.withLock { $0.wasCancelled } }
    var deadline: MonotonicInstant? { observed.withLock { $0.deadline } }

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        observed.withLock { $0.deadline = context.deadline }
        do {
            try await context.runtime.clock.sleep(for: delay)
        } catch {
            observed.withLock { $0.wasCancelled = true }
            throw error
        }
        return .text("on time")
    }
}

extension Response {
    /// `status body`, the body read to its end, or to the error that ended it: `status body!error`.
    func transcript() async -> String {
        var text = ""
        do {
            for try await chunk in body {
                text += String(buffer: chunk)
            }
            return "\(status.code) \(text)"
        } catch {
            return "\(status.code) \(text)!\(error)"
        }
    }
}
