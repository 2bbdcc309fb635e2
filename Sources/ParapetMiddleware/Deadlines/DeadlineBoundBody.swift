import NIOCore
import ParapetCore

/// A streamed body that fails once a deadline passes: each read races the runtime's clock, a read still
/// waiting at the deadline is cancelled and throws ``DeadlineExceeded``, and so does a read asked for after
/// it — even of the body's end.
enum DeadlineBoundBody {
    /// Thrown by a read that the deadline cut short.
    struct DeadlineExceeded: Error, CustomStringConvertible {
        var description: String { "the request's deadline passed while its body was streaming" }
    }

    /// `body`, bounded by `deadline` on `clock`; a body already in memory is returned as it is, since
    /// reading it never waits.
    static func bounding(_ body: HTTPBody, by deadline: MonotonicInstant, on clock: any MonotonicClock) -> HTTPBody {
        guard !body.isReplayable else { return body }
        let chunks = Chunks(base: body, deadline: deadline, clock: clock)
        return HTTPBody(stream: chunks, length: body.knownLength, trailers: body.trailers)
    }

    private struct Chunks: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let base: HTTPBody
        let deadline: MonotonicInstant
        let clock: any MonotonicClock

        func makeAsyncIterator() -> Iterator {
            Iterator(reader: Reader(base.makeAsyncIterator()), deadline: deadline, clock: clock)
        }

        struct Iterator: AsyncIteratorProtocol {
            let reader: Reader
            let deadline: MonotonicInstant
            let clock: any MonotonicClock
            var hasEnded = false

            mutating func next() async throws -> ByteBuffer? {
                guard !hasEnded else { return nil }
                let clock = self.clock
                let deadline = self.deadline
                guard clock.now < deadline else {
                    hasEnded = true
                    throw DeadlineExceeded()
                }
                let reader = self.reader
                let outcome = try await withThrowingTaskGroup(of: ByteBuffer??.self) { group in
                    group.addTask { .some(try await reader.next()) }
                    group.addTask {
                        try await clock.sleep(until: deadline)
                        return .none
                    }
                    defer { group.cancelAll() }
                    return try await group.next() ?? nil
                }
                guard let chunk = outcome else {
                    hasEnded = true
                    throw DeadlineExceeded()
                }
                hasEnded = chunk == nil
                return chunk
            }
        }
    }

    /// The base body's iterator, handed to the one child task that reads the next chunk.
    ///
    /// `@unchecked Sendable` is safe: only one read is ever in flight — the iterator starts a read in a
    /// child task and leaves its task group only once that child has finished, whether it delivered a
    /// chunk or was cancelled — so the iterator is never touched by two tasks at once.
    private final class Reader: @unchecked Sendable {
        private var iterator: HTTPBody.AsyncIterator

        init(_ iterator: HTTPBody.AsyncIterator) {
            self.iterator = iterator
        }

        func next() async throws -> ByteBuffer? {
            try await iterator.next()
        }
    }
}
