/// Recognises the HTTP/2 client connection preface (RFC 7540 §3.5) and the SETTINGS frame that must follow it.
///
/// ```swift
/// HTTP2ClientPreface.match(Array("PRI * HT".utf8))   // .partial
/// HTTP2ClientPreface.match(Array("GET / ".utf8))     // .mismatch, decided on the first byte
/// ```
enum HTTP2ClientPreface {
    /// `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`.
    static let bytes: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// How some bytes compare with the preface.
    enum Match: Equatable, Sendable {
        /// The bytes are a proper prefix of the preface (possibly empty): more are needed to tell.
        case partial
        /// The bytes begin with the whole preface.
        case complete
        /// Some byte differs from the preface.
        case mismatch
    }

    /// Compares the start of `received` with the preface, deciding as soon as one byte differs.
    static func match(_ received: some Sequence<UInt8>) -> Match {
        var count = 0
        for byte in received {
            guard count < bytes.count else { return .complete }
            guard byte == bytes[count] else { return .mismatch }
            count += 1
        }
        return count == bytes.count ? .complete : .partial
    }

    /// Where the preface and the client's first frame end, when that frame is an acceptable first SETTINGS frame.
    enum FirstSettingsFrame: Equatable, Sendable {
        /// More bytes are needed.
        case incomplete
        /// The preface and a SETTINGS frame occupy the first `count` bytes.
        case complete(count: Int)
        /// The bytes do not start with the preface and a non-ACK SETTINGS frame on stream 0 of at most
        /// ``maximumSettingsPayload`` bytes, a multiple of six: a protocol error for the HTTP/2 handler to report.
        case invalid
    }

    /// The largest SETTINGS payload accepted: the initial `SETTINGS_MAX_FRAME_SIZE`.
    static let maximumSettingsPayload = 16_384

    /// Finds the end of the preface and the SETTINGS frame that follows it in `received`.
    static func firstSettingsFrame(in received: some Collection<UInt8>) -> FirstSettingsFrame {
        switch match(received) {
        case .mismatch: return .invalid
        case .partial: return .incomplete
        case .complete: break
        }
        let header = Array(received.dropFirst(bytes.count).prefix(9))
        guard header.count == 9 else { return .incomplete }
        let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
        let type = header[3]
        let flags = header[4]
        let streamID =
            (UInt32(header[5]) & 0x7F) << 24 | UInt32(header[6]) << 16 | UInt32(header[7]) << 8
            | UInt32(header[8])
        guard type == 0x4, flags & 0x1 == 0, streamID == 0, length % 6 == 0, length <= maximumSettingsPayload
        else { return .invalid }
        let count = bytes.count + 9 + length
        return received.count >= count ? .complete(count: count) : .incomplete
    }
}
