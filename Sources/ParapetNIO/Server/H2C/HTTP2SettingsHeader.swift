/// The value of an `HTTP2-Settings` request header field: a base64url-encoded SETTINGS frame payload
/// (RFC 7540 §3.2.1).
///
/// A client that asks to upgrade to cleartext HTTP/2 sends the settings it would put in its first SETTINGS
/// frame in this header. ``decode(_:)`` checks that the value is well-formed base64url and that it decodes
/// to a valid SETTINGS payload: whole six-byte entries whose known parameters hold legal values
/// (RFC 7540 §6.5.2).
///
/// ```swift
/// let settings = HTTP2SettingsHeader.decode(Array("AAMAAABkAAQAoAAAAAIAAAAA".utf8))
/// // [(3, 100), (4, 10_485_760), (2, 0)]
/// ```
enum HTTP2SettingsHeader {
    /// One SETTINGS entry: a parameter identifier and its value.
    struct Setting: Equatable, Sendable {
        /// The parameter identifier, such as `0x3` for `SETTINGS_MAX_CONCURRENT_STREAMS`.
        var identifier: UInt16
        /// The parameter's value.
        var value: UInt32
    }

    /// Decodes an `HTTP2-Settings` value; `nil` when it is not valid base64url (RFC 4648 §5, trailing `=`
    /// optional, unused bits zero) or not a valid SETTINGS payload. An empty value is an empty payload.
    static func decode(_ value: some Collection<UInt8>) -> [Setting]? {
        guard let payload = decodeBase64URL(value), payload.count % 6 == 0 else { return nil }
        var settings: [Setting] = []
        settings.reserveCapacity(payload.count / 6)
        var index = 0
        while index + 6 <= payload.count {
            let identifier = UInt16(payload[index]) << 8 | UInt16(payload[index + 1])
            var settingValue: UInt32 = 0
            for byte in payload[(index + 2)..<(index + 6)] {
                settingValue = settingValue << 8 | UInt32(byte)
            }
            let setting = Setting(identifier: identifier, value: settingValue)
            guard setting.isLegal else { return nil }
            settings.append(setting)
            index += 6
        }
        return settings
    }

    /// Decodes base64url without line breaks or whitespace; `nil` on any other byte, a bad length, padding
    /// in the middle or non-zero unused bits.
    static func decodeBase64URL(_ encoded: some Collection<UInt8>) -> [UInt8]? {
        var sextets: [UInt8] = []
        sextets.reserveCapacity(encoded.count)
        var paddingCount = 0
        for byte in encoded {
            if byte == UInt8(ascii: "=") {
                paddingCount += 1
                continue
            }
            // Data after padding is malformed.
            guard paddingCount == 0, let sextet = sextet(of: byte) else { return nil }
            sextets.append(sextet)
        }
        let remainder = sextets.count % 4
        guard remainder != 1 else { return nil }
        // Padding is optional, but when present it must complete the last quantum exactly.
        if paddingCount > 0 {
            guard (sextets.count + paddingCount) % 4 == 0, paddingCount <= 2 else { return nil }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sextets.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bitCount = 0
        for sextet in sextets {
            accumulator = (accumulator << 6) | UInt32(sextet)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bitCount)))
                accumulator &= (1 << UInt32(bitCount)) - 1
            }
        }
        // The bits left over in a final partial quantum must be zero in a canonical encoding.
        guard accumulator == 0 else { return nil }
        return bytes
    }

    private static func sextet(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}

extension HTTP2SettingsHeader.Setting {
    /// Whether the value is allowed for the parameter (RFC 7540 §6.5.2); unknown parameters are ignored.
    var isLegal: Bool {
        switch identifier {
        case 0x2: value <= 1  // SETTINGS_ENABLE_PUSH
        case 0x4: value <= 0x7FFF_FFFF  // SETTINGS_INITIAL_WINDOW_SIZE
        case 0x5: (16_384...16_777_215).contains(value)  // SETTINGS_MAX_FRAME_SIZE
        default: true
        }
    }
}
