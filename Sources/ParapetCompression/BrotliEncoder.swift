import CBrotli
import NIOCore

/// Brotli over the system libbrotli encoder.
final class BrotliEncoder: StreamingEncoder {
    private let state: OpaquePointer

    init(quality: Int) throws {
        guard let state = BrotliEncoderCreateInstance(nil, nil, nil) else {
            throw CompressionFailure(coding: .brotli, code: -1)
        }
        self.state = state
        BrotliEncoderSetParameter(state, BROTLI_PARAM_QUALITY, UInt32(quality))
    }

    deinit {
        BrotliEncoderDestroyInstance(state)
    }

    func encode(_ chunk: ByteBuffer, into output: inout ByteBuffer) throws {
        try run(chunk, operation: BROTLI_OPERATION_FLUSH, into: &output)
    }

    func finish(into output: inout ByteBuffer) throws {
        try run(ByteBuffer(), operation: BROTLI_OPERATION_FINISH, into: &output)
    }

    /// Feeds `input` with `operation` until it is consumed and the encoder holds no more output.
    private func run(_ input: ByteBuffer, operation: BrotliEncoderOperation, into output: inout ByteBuffer) throws {
        try input.withUnsafeReadableBytes { bytes in
            var nextIn = bytes.bindMemory(to: UInt8.self).baseAddress
            var availableIn = bytes.count
            repeat {
                var availableOut = 0
                guard BrotliEncoderCompressStream(state, operation, &availableIn, &nextIn, &availableOut, nil, nil) != 0
                else { throw CompressionFailure(coding: .brotli, code: 0) }
                var size = 0
                if let produced = BrotliEncoderTakeOutput(state, &size), size > 0 {
                    output.writeBytes(UnsafeRawBufferPointer(start: produced, count: size))
                }
            } while availableIn > 0 || BrotliEncoderHasMoreOutput(state) != 0
                || (operation == BROTLI_OPERATION_FINISH && BrotliEncoderIsFinished(state) == 0)
        }
    }
}
