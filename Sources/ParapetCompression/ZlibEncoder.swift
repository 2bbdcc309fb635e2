import CZlib
import NIOCore

/// gzip or zlib-wrapped DEFLATE over the system zlib.
final class ZlibEncoder: StreamingEncoder {
    enum Format {
        case gzip, zlib

        /// zlib's `windowBits`: 15 for the zlib wrapper, +16 for gzip's.
        var windowBits: Int32 { self == .gzip ? 31 : 15 }
        var coding: ContentCoding { self == .gzip ? .gzip : .deflate }
    }

    private let stream: UnsafeMutablePointer<z_stream>
    private let format: Format

    init(format: Format, level: Int) throws {
        self.format = format
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit2_(
            stream, Int32(level), Z_DEFLATED, format.windowBits, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            throw CompressionFailure(coding: format.coding, code: status)
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    func encode(_ chunk: ByteBuffer, into output: inout ByteBuffer) throws {
        try run(chunk, flush: Z_SYNC_FLUSH, into: &output)
    }

    func finish(into output: inout ByteBuffer) throws {
        try run(ByteBuffer(), flush: Z_FINISH, into: &output)
    }

    private func run(_ input: ByteBuffer, flush: Int32, into output: inout ByteBuffer) throws {
        try input.withUnsafeReadableBytes { bytes in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes.bindMemory(to: UInt8.self).baseAddress)
            stream.pointee.avail_in = UInt32(bytes.count)
            while true {
                let room = max(Int(deflateBound(stream, UInt(stream.pointee.avail_in))), 4_096)
                var status: Int32 = Z_OK
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { space in
                    stream.pointee.next_out = space.bindMemory(to: UInt8.self).baseAddress
                    stream.pointee.avail_out = UInt32(space.count)
                    status = deflate(stream, flush)
                    return space.count - Int(stream.pointee.avail_out)
                }
                switch status {
                case Z_STREAM_END:
                    return
                case Z_OK, Z_BUF_ERROR:
                    // Done when all input is in and zlib had room to spare (nothing left to flush).
                    if stream.pointee.avail_in == 0, stream.pointee.avail_out > 0, flush != Z_FINISH { return }
                    // No progress although there was room: zlib is stuck.
                    if status == Z_BUF_ERROR, stream.pointee.avail_out > 0 {
                        throw CompressionFailure(coding: format.coding, code: status)
                    }
                default:
                    throw CompressionFailure(coding: format.coding, code: status)
                }
            }
        }
    }
}
