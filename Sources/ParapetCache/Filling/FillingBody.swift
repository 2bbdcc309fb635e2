import NIOCore
import ParapetCore

/// A response body streamed to the client while a copy is kept for the cache: when the stream ends
/// complete — no error, no more than the size limit, exactly the `Content-Length` if there was one —
/// `commit` stores the copy. A body cut short is never committed, so it can never be served as whole.
struct FillingBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    let base: HTTPBody
    let limit: Int
    let expectedLength: Int?
    let commit: @Sendable (ByteBuffer) async -> Void

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), limit: limit, expectedLength: expectedLength, commit: commit)
    }

    struct Iterator: AsyncIteratorProtocol {
        typealias Element = ByteBuffer
        typealias Failure = any Error

        var base: HTTPBody.AsyncIterator
        let limit: Int
        let expectedLength: Int?
        let commit: @Sendable (ByteBuffer) async -> Void
        var copy = ByteBuffer()
        /// Whether the copy is still being kept: false once abandoned or committed.
        var filling = true

        init(
            base: HTTPBody.AsyncIterator, limit: Int, expectedLength: Int?,
            commit: @escaping @Sendable (ByteBuffer) async -> Void
        ) {
            self.base = base
            self.limit = limit
            self.expectedLength = expectedLength
            self.commit = commit
        }

        mutating func next() async throws -> ByteBuffer? {
            let chunk: ByteBuffer?
            do {
                chunk = try await base.next()
            } catch {
                abandon()
                throw error
            }
            guard filling else { return chunk }
            guard let chunk else {
                filling = false
                if expectedLength.map({ $0 == copy.readableBytes }) ?? true {
                    await commit(copy)
                }
                copy = ByteBuffer()
                return nil
            }
            if copy.readableBytes + chunk.readableBytes > limit {
                abandon()
            } else {
                copy.writeImmutableBuffer(chunk)
            }
            return chunk
        }

        private mutating func abandon() {
            filling = false
            copy = ByteBuffer()
        }
    }
}
