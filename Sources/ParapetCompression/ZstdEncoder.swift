import CZstd
import NIOCore

/// Zstandard (RFC 8878) over the system libzstd, for HTTP's `zstd` content coding.
///
/// RFC 9659 lets a decoder refuse windows above 8 MiB, and browsers do. Levels 1–19 (the only ones
/// ``Compression`` accepts) stay within that window; the "ultra" levels 20–22 would not.
final class ZstdEncoder: StreamingEncoder {
    private let context: OpaquePointer

    init(level: Int) throws {
        guard let context = ZSTD_createCCtx() else { throw CompressionFailure(coding: .zstd, code: -1) }
        self.context = context
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level)))
    }

    deinit {
        ZSTD_freeCCtx(context)
    }

    func encode(_ chunk: ByteBuffer, into output: inout ByteBuffer) throws {
        try run(chunk, directive: ZSTD_e_flush, into: &output)
    }

    func finish(into output: inout ByteBuffer) throws {
        try run(ByteBuffer(), directive: ZSTD_e_end, into: &output)
    }

    /// Feeds `input` with `directive` until it is consumed and every byte the directive asks for is out.
    private func run(_ input: ByteBuffer, directive: ZSTD_EndDirective, into output: inout ByteBuffer) throws {
        let step = ZSTD_CStreamOutSize()
        try input.withUnsafeReadableBytes { bytes in
            var source = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
            var unflushed = 0
            repeat {
                try output.writeWithUnsafeMutableBytes(minimumWritableBytes: step) { space in
                    var destination = ZSTD_outBuffer(dst: space.baseAddress, size: space.count, pos: 0)
                    unflushed = ZSTD_compressStream2(context, &destination, &source, directive)
                    try check(unflushed)
                    return destination.pos
                }
            } while unflushed != 0 || source.pos < source.size
        }
    }

    /// Throws when `result` is a libzstd error: the negated `ZSTD_ErrorCode`.
    private func check(_ result: Int) throws {
        if ZSTD_isError(result) != 0 {
            throw CompressionFailure(coding: .zstd, code: Int32(truncatingIfNeeded: -result))
        }
    }
}
