import NIOCore
import NIOHTTP1

/// The parts of one HTTP/1.x connection, read in order: a head, its body chunks, its end, the next head.
///
/// The connection task reads heads; the request's body, handed to the handler, reads chunks. They never
/// read at the same time: the connection task is suspended while the handler runs and only drains what
/// the handler left unread after the response is written. That single-reader discipline is what makes
/// the unchecked `Sendable` safe.
final class RequestPartReader: @unchecked Sendable {
    private var iterator: NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator
    private var isInBody = false
    /// Counts request heads, so a body sequence that outlives its request reads nothing of the next.
    private var generation = 0

    init(_ inbound: NIOAsyncChannelInboundStream<HTTPServerRequestPart>) {
        self.iterator = inbound.makeAsyncIterator()
    }

    /// The next request head, or `nil` when the client closed the connection.
    func nextHead() async throws -> HTTPRequestHead? {
        try await skipBody()
        while let part = try await iterator.next() {
            if case .head(let head) = part {
                isInBody = true
                generation += 1
                return head
            }
        }
        return nil
    }

    /// The next chunk of the current request's body, or `nil` at its end.
    func nextBodyChunk() async throws -> ByteBuffer? {
        try await nextBodyChunk(of: generation)
    }

    private func nextBodyChunk(of request: Int) async throws -> ByteBuffer? {
        while isInBody, request == generation, let part = try await iterator.next() {
            switch part {
            case .body(let chunk):
                return chunk
            case .end:
                isInBody = false
            case .head:
                throw HTTPParserError.invalidInternalState
            }
        }
        return nil
    }

    /// Reads and discards whatever the handler left of the current body.
    func skipBody() async throws {
        while try await nextBodyChunk() != nil {}
    }

    /// The body of the current request as a sequence for ``HTTPBody``.
    var body: Chunks { Chunks(reader: self, request: generation) }

    struct Chunks: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let reader: RequestPartReader
        let request: Int

        func makeAsyncIterator() -> Iterator { Iterator(reader: reader, request: request) }

        struct Iterator: AsyncIteratorProtocol {
            let reader: RequestPartReader
            let request: Int

            mutating func next() async throws -> ByteBuffer? {
                try await reader.nextBodyChunk(of: request)
            }
        }
    }
}
