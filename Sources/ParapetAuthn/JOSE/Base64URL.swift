/// Strict base64url (RFC 4648 §5) as JOSE uses it (RFC 7515 §2): no padding, no `+`/`/`, no whitespace,
/// and the unused low bits of the last character must be zero.
///
/// The last rule matters for signatures: a lenient decoder maps several spellings to the same bytes, so a
/// token whose signature was changed in those bits would still verify.
enum Base64URL {
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8).enumerated()
        {
            table[Int(byte)] = Int8(index)
        }
        return table
    }()

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The bytes `text` spells, or `nil` when it is not canonical unpadded base64url.
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text {
            let value = values[Int(byte)]
            guard value >= 0 else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        guard accumulator == 0 else { return nil }
        return output
    }

    /// The bytes of `text` in padded standard base64 (RFC 4648 §4), as HTTP Basic credentials carry them;
    /// `nil` for anything else (missing or misplaced padding, whitespace, non-zero unused bits).
    static func decodeStandard(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        let padding = text.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2 else { return nil }
        let translated = text.dropLast(padding).map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "+"): return UInt8(ascii: "-")
            case UInt8(ascii: "/"): return UInt8(ascii: "_")
            case UInt8(ascii: "-"), UInt8(ascii: "_"): return UInt8(ascii: "!")  // not in the standard alphabet
            default: return byte
            }
        }
        return decode(translated)
    }

    /// `bytes` in padded standard base64.
    static func encodeStandard(_ bytes: some Collection<UInt8>) -> String {
        let url = encode(bytes)
        let standard = url.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 }
        return String(standard) + String(repeating: "=", count: (4 - url.utf8.count % 4) % 4)
    }

    /// `bytes` in unpadded base64url.
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            accumulator = accumulator << 8 | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                output.append(alphabet[Int((accumulator >> UInt32(bits)) & 0x3F)])
            }
        }
        if bits > 0 { output.append(alphabet[Int((accumulator << UInt32(6 - bits)) & 0x3F)]) }
        return String(decoding: output, as: UTF8.self)
    }
}
