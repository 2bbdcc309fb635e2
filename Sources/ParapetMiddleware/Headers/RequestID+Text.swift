extension RequestID {
    /// The longest incoming id kept.
    static let maximumLength = 128

    /// Whether `id` may be kept: 1–128 bytes of `0-9 A-Z a-z - _ . : + = /`.
    static func isValid(_ id: String) -> Bool {
        let bytes = id.utf8
        guard !bytes.isEmpty, bytes.count <= maximumLength else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "A")...UInt8(ascii: "Z"):
                return true
            default:
                return "-_.:+=/".utf8.contains(byte)
            }
        }
    }

    /// The version-4 UUID made of 128 random bits, `high` then `low`, as lower-case hyphenated text
    /// (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`, `y` one of `8 9 a b`).
    static func uuidV4(_ high: UInt64, _ low: UInt64) -> String {
        let high = high & ~0xF000 | 0x4000  // version 4: the high nibble of byte 6
        let low = low & ~(0b11 << 62) | (0b10 << 62)  // variant 10: the top bits of byte 8
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for index in 0..<32 {
                if index == 8 || index == 12 || index == 16 || index == 20 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = index < 16 ? high : low
                text[position] = hexDigits[Int(word >> UInt64(60 - 4 * (index % 16)) & 0xF)]
                position += 1
            }
            return position
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
