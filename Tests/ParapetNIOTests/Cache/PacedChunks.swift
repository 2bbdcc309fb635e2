import NIOCore

/// A body sent the way a slow origin sends it: 16 KiB chunks of `whole` with `pause` before each, so a
/// test can act while the body is still arriving.
struct PacedChunks: AsyncSequence, Sendable {
    let whole: ByteBuffer
    let pause: Duration

    struct AsyncIterator: AsyncIteratorProtocol {
        var rest: ByteBuffer
        let pause: Duration

        mutating func next() async throws -> ByteBuffer? {
            guard rest.readableBytes > 0 else { return nil }
            try await Task.sleep(for: pause)
            return rest.readSlice(length: Swift.min(16 << 10, rest.readableBytes))
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(rest: whole, pause: pause) }
}
