import NIOCore
import ParapetCore

/// A body's chunks compressed as they are read: each chunk's compressed bytes are flushed at once (so a
/// stream reaches the client as it is produced), and the end of the body ends the coding. Memory stays
/// at the encoder's window, whatever the body's size.
struct CompressedChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: HTTPBody
    let coding: ContentCoding
    let level: Int

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), coding: coding, level: level)
    }

    struct Iterator: AsyncIteratorProtocol {
        var base: HTTPBody.AsyncIterator
        let coding: ContentCoding
        let level: Int
        var encoder: (any StreamingEncoder)?
        var isFinished = false

        init(base: HTTPBody.AsyncIterator, coding: ContentCoding, level: Int) {
            self.base = base
            self.coding = coding
            self.level = level
        }

        mutating func next() async throws -> ByteBuffer? {
            guard !isFinished else { return nil }
            let encoder = try self.encoder ?? coding.makeEncoder(level: level)
            self.encoder = encoder
            var output = ByteBuffer()
            while let chunk = try await base.next() {
                guard chunk.readableBytes > 0 else { continue }
                try encoder.encode(chunk, into: &output)
                if output.readableBytes > 0 { return output }
            }
            isFinished = true
            try encoder.finish(into: &output)
            self.encoder = nil
            return output.readableBytes > 0 ? output : nil
        }
    }
}
