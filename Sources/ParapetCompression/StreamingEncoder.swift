import NIOCore

/// A compressor fed a body chunk by chunk: each chunk's output is flushed at once, so a streamed body
/// (server-sent events, a slow download) reaches the client as it is produced, and memory stays at the
/// encoder's window whatever the body's size.
protocol StreamingEncoder: AnyObject {
    /// Compresses `chunk` and appends everything it produced so far (flushed) to `output`.
    func encode(_ chunk: ByteBuffer, into output: inout ByteBuffer) throws
    /// Ends the stream, appending the last output to `output`.
    func finish(into output: inout ByteBuffer) throws
}

/// A compressor failed — out of memory, or a library error — and the body ends broken.
struct CompressionFailure: Error, CustomStringConvertible {
    let coding: ContentCoding
    let code: Int32
    var description: String { "\(coding.token) compression failed (code \(code))" }
}

extension ContentCoding {
    /// A new encoder for this coding at `level` (zlib 1–9; brotli quality 0–11; zstd 1–19).
    func makeEncoder(level: Int) throws -> any StreamingEncoder {
        switch self {
        case .gzip: try ZlibEncoder(format: .gzip, level: level)
        case .deflate: try ZlibEncoder(format: .zlib, level: level)
        case .brotli: try BrotliEncoder(quality: level)
        case .zstd: try ZstdEncoder(level: level)
        }
    }
}
