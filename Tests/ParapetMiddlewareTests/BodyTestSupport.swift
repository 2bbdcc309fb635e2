import NIOCore
import ParapetCore

extension HTTPBody {
    /// A streamed body of chunks of `sizes` bytes (letters `a`, `b`, … by chunk), of unknown length unless
    /// `declaringLength`, as a chunked upload is.
    static func chunks(_ sizes: [Int], declaringLength: Bool = false) -> HTTPBody {
        let buffers = sizes.enumerated().map { index, size in
            ByteBuffer(repeating: UInt8(ascii: "a") + UInt8(index % 26), count: size)
        }
        let stream = AsyncStream<ByteBuffer> { continuation in
            for buffer in buffers {
                continuation.yield(buffer)
            }
            continuation.finish()
        }
        return HTTPBody(stream: stream, length: declaringLength ? sizes.reduce(0, +) : nil)
    }
}

/// A next handler that reads the whole body and answers `read <count>`.
let bodyCounting = Endpoint { request, _ in
    .text("read \(try await request.body.collect(upTo: .max).readableBytes)")
}
