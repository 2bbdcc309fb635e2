import NIOCore
import ParapetCore
import Synchronization

/// A body of unknown length, counted as it is read: the chunk that takes it past `limit` bytes fails the
/// read with ``ParapetCore/HTTPBodyError/tooLarge(limit:)`` and marks the body ``hasOverflowed``.
///
/// ```swift
/// let counted = LimitedRequestBody(request.body, limit: 1_024)
/// _ = try? await counted.body.collect(upTo: .max)
/// if counted.hasOverflowed { /* answer 413 */ }
/// ```
struct LimitedRequestBody: Sendable {
    /// The counted body, to read in place of the original.
    let body: HTTPBody
    private let overflow: Flag

    init(_ base: HTTPBody, limit: Int) {
        let overflow = Flag()
        self.overflow = overflow
        self.body = HTTPBody(stream: Chunks(base: base, limit: limit, overflow: overflow), trailers: base.trailers)
    }

    /// Whether a read went past the limit.
    var hasOverflowed: Bool { overflow.isSet }

    private final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .acquiring) }
        func set() { value.store(true, ordering: .releasing) }
    }

    private struct Chunks: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let base: HTTPBody
        let limit: Int
        let overflow: Flag

        func makeAsyncIterator() -> Iterator {
            Iterator(base: base.makeAsyncIterator(), remaining: limit, limit: limit, overflow: overflow)
        }

        struct Iterator: AsyncIteratorProtocol {
            var base: HTTPBody.AsyncIterator
            var remaining: Int
            let limit: Int
            let overflow: Flag
            var hasEnded = false

            mutating func next() async throws -> ByteBuffer? {
                guard !hasEnded, let chunk = try await base.next() else {
                    hasEnded = true
                    return nil
                }
                guard chunk.readableBytes <= remaining else {
                    hasEnded = true
                    overflow.set()
                    throw HTTPBodyError.tooLarge(limit: limit)
                }
                remaining -= chunk.readableBytes
                return chunk
            }
        }
    }
}
