import NIOCore

extension H2CUpgradeRequest {
    /// The largest header block a single HEADERS frame may carry before the client has seen the server's
    /// SETTINGS: the initial `SETTINGS_MAX_FRAME_SIZE` (RFC 7540 §6.5.2). A larger block would need
    /// CONTINUATION frames, so such a request is served as HTTP/1.1 instead.
    static let maximumHeaderBlockBytes = 16_384

    /// The size of the header list as `SETTINGS_MAX_HEADER_LIST_SIZE` counts it: each field's name and value
    /// lengths plus 32 (RFC 7540 §6.5.2).
    var headerListSize: Int {
        headerFields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 32 }
    }

    /// The client HEADERS frame this request becomes on HTTP/2 stream 1, with END_STREAM and END_HEADERS set.
    ///
    /// Each field is HPACK-encoded as a literal header field without indexing, with a new name and no Huffman
    /// coding (RFC 7541 §6.2.2), so the server's decoder and its dynamic table see nothing they must remember.
    ///
    /// - Parameter maxHeaderListSize: the server's `SETTINGS_MAX_HEADER_LIST_SIZE`.
    /// - Returns: the frame, or `nil` when the header list exceeds `maxHeaderListSize` or the block exceeds
    ///   ``maximumHeaderBlockBytes``.
    func headersFrame(maxHeaderListSize: Int) -> ByteBuffer? {
        guard headerListSize <= maxHeaderListSize else { return nil }
        var block = ByteBuffer()
        for field in headerFields {
            block.writeInteger(UInt8(0x00))  // Literal header field without indexing, new name.
            Self.writeStringLiteral(field.name, to: &block)
            Self.writeStringLiteral(field.value, to: &block)
        }
        let length = block.readableBytes
        guard length <= Self.maximumHeaderBlockBytes else { return nil }

        var frame = ByteBuffer()
        frame.reserveCapacity(9 + length)
        frame.writeInteger(UInt8(truncatingIfNeeded: length >> 16))
        frame.writeInteger(UInt16(truncatingIfNeeded: length))
        frame.writeInteger(UInt8(0x1))  // HEADERS
        frame.writeInteger(UInt8(0x1 | 0x4))  // END_STREAM | END_HEADERS
        frame.writeInteger(UInt32(1))  // Stream 1, the upgraded request's stream (RFC 7540 §3.2).
        frame.writeBuffer(&block)
        return frame
    }

    /// A string literal without Huffman coding: its length as a 7-bit-prefix integer, then its octets.
    private static func writeStringLiteral(_ string: String, to buffer: inout ByteBuffer) {
        writeInteger(string.utf8.count, prefixBits: 7, to: &buffer)
        buffer.writeString(string)
    }

    /// An HPACK integer (RFC 7541 §5.1) in a first octet whose high bits are zero.
    static func writeInteger(_ value: Int, prefixBits: Int, to buffer: inout ByteBuffer) {
        let limit = (1 << prefixBits) - 1
        guard value >= limit else {
            buffer.writeInteger(UInt8(truncatingIfNeeded: value))
            return
        }
        buffer.writeInteger(UInt8(truncatingIfNeeded: limit))
        var remainder = value - limit
        while remainder >= 128 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: remainder % 128 + 128))
            remainder /= 128
        }
        buffer.writeInteger(UInt8(truncatingIfNeeded: remainder))
    }
}
