import NIOCore
import ParapetCore

extension HTTPBody {
    /// This body, holding `lease` until it has been read to the end, has failed, or is dropped.
    ///
    /// An in-memory body has already been received in full, so its lease is released at once and the body
    /// is returned unchanged (still replayable).
    func holding(_ lease: SlotLease) -> HTTPBody {
        guard !isReplayable else {
            lease.release()
            return self
        }
        return HTTPBody(stream: LeasedChunks(base: self, lease: lease), length: knownLength)
    }
}

/// The chunks of a streamed body, releasing a lease when the stream ends or fails.
///
/// An unread body, and an iterator dropped part-way, release the lease when they go away (the lease's
/// deinitializer).
struct LeasedChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    let base: HTTPBody
    let lease: SlotLease

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), lease: lease)
    }

    struct Iterator: AsyncIteratorProtocol {
        typealias Element = ByteBuffer
        typealias Failure = any Error

        var base: HTTPBody.AsyncIterator
        let lease: SlotLease

        mutating func next() async throws -> ByteBuffer? {
            do {
                guard let chunk = try await base.next() else {
                    lease.release()
                    return nil
                }
                return chunk
            } catch {
                lease.release()
                throw error
            }
        }
    }
}
