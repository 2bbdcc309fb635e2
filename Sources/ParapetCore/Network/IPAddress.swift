/// An IPv4 or IPv6 address.
///
/// Parsing is strict (no leading zeros in IPv4 octets, no zones) so that an address taken from a header
/// or a PROXY-protocol line either means exactly one thing or is rejected. IPv4-mapped IPv6 addresses
/// (`::ffff:192.0.2.1`) are kept as written; ``unmapped`` folds them into IPv4 so that both spellings of
/// one client compare equal.
///
/// ```swift
/// let peer = IPAddress("::ffff:10.1.2.3")?.unmapped   // .v4 10.1.2.3
/// print(peer!)                                        // "10.1.2.3"
/// ```
public enum IPAddress: Hashable, Sendable {
    /// An IPv4 address, most significant octet first.
    case v4(UInt32)
    /// An IPv6 address, most significant byte first.
    case v6(UInt128)

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text; `nil` when `text` is not exactly one address.
    public init?(_ text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        if utf8.contains(UInt8(ascii: ":")) {
            guard let value = Self.parseV6(utf8[...]) else { return nil }
            self = .v6(value)
        } else {
            guard let value = Self.parseV4(utf8[...]) else { return nil }
            self = .v4(value)
        }
    }

    /// The IPv4 address inside an IPv4-mapped IPv6 address, or `self`.
    public var unmapped: IPAddress {
        if case .v6(let value) = self, value >> 32 == 0xFFFF {
            return .v4(UInt32(truncatingIfNeeded: value))
        }
        return self
    }

    /// Whether this is an IPv4 address (after ``unmapped``).
    public var isIPv4: Bool {
        if case .v4 = unmapped { return true }
        return false
    }

    static func parseV4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var result: UInt32 = 0
        var octets = 0
        var current: UInt32 = 0
        var digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return nil }
                result = result << 8 | current
                octets += 1
                current = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if digits > 0, current == 0 { return nil }  // leading zero
                current = current * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard current <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, octets == 3 else { return nil }
        return result << 8 | current
    }

    static func parseV6(_ bytes: ArraySlice<UInt8>) -> UInt128? {
        var groups: [UInt16] = []
        var compressAt: Int? = nil
        var index = bytes.startIndex
        let end = bytes.endIndex
        if bytes.starts(with: [UInt8(ascii: ":"), UInt8(ascii: ":")]) {
            compressAt = 0
            index += 2
        } else if bytes.first == UInt8(ascii: ":") {
            return nil
        }
        while index < end {
            // An embedded IPv4 tail ends the address.
            let rest = bytes[index...]
            if let colon = rest.firstIndex(of: UInt8(ascii: ":")) {
                guard let group = parseHexGroup(bytes[index..<colon]) else { return nil }
                groups.append(group)
                index = colon + 1
                if index < end, bytes[index] == UInt8(ascii: ":") {
                    guard compressAt == nil else { return nil }
                    compressAt = groups.count
                    index += 1
                } else if index == end {
                    return nil  // trailing single colon
                }
            } else if rest.contains(UInt8(ascii: ".")) {
                guard let v4 = parseV4(rest) else { return nil }
                groups.append(UInt16(v4 >> 16))
                groups.append(UInt16(v4 & 0xFFFF))
                index = end
            } else {
                guard let group = parseHexGroup(rest) else { return nil }
                groups.append(group)
                index = end
            }
        }
        if let compressAt {
            guard groups.count <= 7 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: compressAt)
        }
        guard groups.count == 8 else { return nil }
        return groups.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }

    private static func parseHexGroup(_ bytes: ArraySlice<UInt8>) -> UInt16? {
        guard (1...4).contains(bytes.count) else { return nil }
        var value: UInt16 = 0
        for byte in bytes {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}

extension IPAddress: CustomStringConvertible {
    /// Dotted quad for IPv4; RFC 5952 canonical text for IPv6 (`::ffff:a.b.c.d` for mapped addresses).
    public var description: String {
        switch self {
        case .v4(let value):
            return Self.dottedQuad(value)
        case .v6(let value):
            if value >> 32 == 0xFFFF {
                return "::ffff:" + Self.dottedQuad(UInt32(truncatingIfNeeded: value))
            }
            let groups = (0..<8).map { UInt16(truncatingIfNeeded: value >> (112 - 16 * $0)) }
            // Longest run (length ≥ 2) of zero groups, leftmost on ties.
            var bestStart = -1
            var bestLength = 1
            var runStart = -1
            for (index, group) in groups.enumerated() {
                if group == 0 {
                    if runStart < 0 { runStart = index }
                    if index - runStart + 1 > bestLength {
                        bestStart = runStart
                        bestLength = index - runStart + 1
                    }
                } else {
                    runStart = -1
                }
            }
            func hex(_ range: Range<Int>) -> String {
                groups[range].map { String($0, radix: 16) }.joined(separator: ":")
            }
            guard bestStart >= 0 else { return hex(0..<8) }
            return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
        }
    }

    private static func dottedQuad(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }
}
