import NIOCore
import ParapetCore

extension HTTPBody {
    /// This body, holding `permit` until it has been read to its end, has failed, or is dropped.
    ///
    /// A body in memory has been produced in full, so its permit is released at once and the body is
    /// returned unchanged (still replayable).
    func holding(_ permit: RateLimitPermit) -> HTTPBody {
        guard !isReplayable else {
            permit.release()
            return self
        }
        return HTTPBody(
            stream: PermitHoldingChunks(base: self, permit: permit), length: knownLength, trailers: trailers)
    }
}

/// The chunks of a streamed body, releasing a permit when the stream ends or fails; an unread body, or an
/// iterator dropped part-way, releases it when it goes away (the permit's deinitializer).
struct PermitHoldingChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    let base: HTTPBody
    let permit: RateLimitPermit

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), permit: permit)
    }

    struct Iterator: AsyncIteratorProtocol {
        typealias Element = ByteBuffer
        typealias Failure = any Error

        var base: HTTPBody.AsyncIterator
        let permit: RateLimitPermit

        mutating func next() async throws -> ByteBuffer? {
            do {
                guard let chunk = try await base.next() else {
                    permit.release()
                    return nil
                }
                return chunk
            } catch {
                permit.release()
                throw error
            }
        }
    }
}
