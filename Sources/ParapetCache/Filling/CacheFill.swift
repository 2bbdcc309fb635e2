import NIOCore
import ParapetCore
import Synchronization

/// A response body being read from the origin by one task and stored, while any number of clients read
/// it as it arrives (read-while-write). It completes only when the whole declared length has arrived;
/// a body cut short fails every reader — it is never passed off as whole.
final class CacheFill: Sendable {
    private struct State {
        enum Phase {
            case filling
            case complete
            case failed
        }

        var phase = Phase.filling
        var chunks: [ByteBuffer] = []
        var received = 0
        /// Readers waiting for more, in the order they began to wait (woken in that order).
        var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []

        /// Ends the fill in `phase`, handing back the readers waiting for more.
        mutating func end(_ phase: Phase) -> [CheckedContinuation<Void, any Error>] {
            self.phase = phase
            defer { waiters = [] }
            return waiters.map(\.continuation)
        }
    }

    /// What is known of the response before its body.
    let entry: PendingEntry
    /// The body length the origin declared.
    let length: Int
    private let state = Mutex(State())
    private let waiterIDs = Atomic<Int>(0)
    private let invalidated = Atomic<Bool>(false)

    /// Whether the response was invalidated while it filled (a successful unsafe request for its URL):
    /// its readers still get it, but it is not stored.
    var isInvalidated: Bool { invalidated.load(ordering: .acquiring) }

    func invalidate() {
        invalidated.store(true, ordering: .releasing)
    }

    init(entry: PendingEntry, length: Int) {
        self.entry = entry
        self.length = length
    }

    /// Reads `body` to its end into the fill and returns the complete body, or `nil` when it failed or
    /// did not have the declared length.
    func fill(from body: HTTPBody) async -> ByteBuffer? {
        do {
            for try await chunk in body where chunk.readableBytes > 0 {
                guard append(chunk) else { return nil }
            }
        } catch {
            fail()
            return nil
        }
        return finish()
    }

    /// A reader of the body, from its first byte.
    var body: HTTPBody {
        HTTPBody(stream: Reader(fill: self), length: length)
    }

    private func append(_ chunk: ByteBuffer) -> Bool {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>]? in
            guard state.phase == .filling, state.received + chunk.readableBytes <= length else { return nil }
            state.chunks.append(chunk)
            state.received += chunk.readableBytes
            defer { state.waiters = [] }
            return state.waiters.map(\.continuation)
        }
        guard let waiters else {
            fail()
            return false
        }
        for waiter in waiters { waiter.resume() }
        return true
    }

    private func finish() -> ByteBuffer? {
        let (waiters, complete) = state.withLock { state -> ([CheckedContinuation<Void, any Error>], Bool) in
            guard state.phase == .filling else { return ([], false) }
            let complete = state.received == length
            return (state.end(complete ? .complete : .failed), complete)
        }
        for waiter in waiters {
            if complete { waiter.resume() } else { waiter.resume(throwing: CacheFillError.incomplete) }
        }
        guard complete else { return nil }
        var whole = ByteBufferAllocator().buffer(capacity: length)
        for chunk in state.withLock({ $0.chunks }) { whole.writeImmutableBuffer(chunk) }
        return whole
    }

    private func fail() {
        let waiters = state.withLock { state in
            state.phase == .filling ? state.end(.failed) : []
        }
        for waiter in waiters { waiter.resume(throwing: CacheFillError.incomplete) }
    }

    /// The chunk at `index`: `.chunk`, `.end` past the last of a complete body, or `.wait` for more.
    fileprivate func chunk(at index: Int) throws -> Step {
        try state.withLock { state in
            if index < state.chunks.count { return .chunk(state.chunks[index]) }
            switch state.phase {
            case .filling: return .wait
            case .complete: return .end
            case .failed: throw CacheFillError.incomplete
            }
        }
    }

    /// Waits until the chunk at `index` exists or the fill ends.
    fileprivate func waitForChunk(at index: Int) async throws {
        let id = waiterIDs.wrappingAdd(1, ordering: .relaxed).newValue
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let waits = state.withLock { state -> Bool in
                    guard state.phase == .filling, index >= state.chunks.count, !Task.isCancelled else { return false }
                    state.waiters.append((id, continuation))
                    return true
                }
                guard !waits else { return }
                // Cancelled before it could wait: the handler above has already run and found nothing.
                if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let position = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: position).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    fileprivate enum Step {
        case chunk(ByteBuffer)
        case wait
        case end
    }

    private struct Reader: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        typealias Failure = any Error

        let fill: CacheFill

        func makeAsyncIterator() -> Iterator {
            Iterator(fill: fill)
        }

        struct Iterator: AsyncIteratorProtocol {
            typealias Element = ByteBuffer
            typealias Failure = any Error

            let fill: CacheFill
            var index = 0

            mutating func next() async throws -> ByteBuffer? {
                while true {
                    switch try fill.chunk(at: index) {
                    case .chunk(let chunk):
                        index += 1
                        return chunk
                    case .end:
                        return nil
                    case .wait:
                        try await fill.waitForChunk(at: index)
                    }
                }
            }
        }
    }
}

/// A fill ended before the origin's body was complete: readers get an error, never a short body as whole.
struct CacheFillError: Error, CustomStringConvertible {
    static let incomplete = CacheFillError()

    var description: String { "the origin's response ended before its declared length while it was being cached" }
}
