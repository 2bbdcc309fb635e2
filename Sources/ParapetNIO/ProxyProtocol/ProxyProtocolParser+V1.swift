import ParapetCore

extension ProxyProtocolParser {
    /// Parses what follows `PROXY ` on a v1 line, CRLF excluded: `TCP4|TCP6 SRC DST SPORT DPORT` with
    /// single spaces, or `UNKNOWN` followed by anything.
    static func parseV1(fields line: [UInt8], consumed: Int) -> Decision {
        let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        let name = String(decoding: fields.first ?? [], as: UTF8.self)
        let isIPv6: Bool
        switch name {
        case "UNKNOWN":
            // The receiver ignores whatever the sender put after UNKNOWN.
            return .header(ProxyProtocolHeader(version: .v1, transport: .unspecified), consumed: consumed)
        case "TCP4":
            isIPv6 = false
        case "TCP6":
            isIPv6 = true
        default:
            return .invalid(.v1UnknownProtocol(name))
        }
        guard fields.count == 5 else { return .invalid(.v1WrongFieldCount(fields.count + 1)) }
        let values = Array(fields.dropFirst())
        guard let source = address(values[0], isIPv6: isIPv6) else {
            return .invalid(.v1InvalidAddress(String(decoding: values[0], as: UTF8.self)))
        }
        guard let destination = address(values[1], isIPv6: isIPv6) else {
            return .invalid(.v1InvalidAddress(String(decoding: values[1], as: UTF8.self)))
        }
        guard let sourcePort = port(values[2]) else {
            return .invalid(.v1InvalidPort(String(decoding: values[2], as: UTF8.self)))
        }
        guard let destinationPort = port(values[3]) else {
            return .invalid(.v1InvalidPort(String(decoding: values[3], as: UTF8.self)))
        }
        let header = ProxyProtocolHeader(
            version: .v1,
            transport: .tcp,
            source: .ip(source, port: sourcePort),
            destination: .ip(destination, port: destinationPort)
        )
        return .header(header, consumed: consumed)
    }

    /// A dotted quad for `TCP4`, IPv6 text for `TCP6`; anything else (wrong family, leading zeros,
    /// octets over 255, zones) is `nil`.
    private static func address(_ text: ArraySlice<UInt8>, isIPv6: Bool) -> IPAddress? {
        switch IPAddress(String(decoding: text, as: UTF8.self)) {
        case .v4(let value) where !isIPv6: .v4(value)
        case .v6(let value) where isIPv6: .v6(value)
        default: nil
        }
    }

    /// A decimal port in 0...65535 with no sign and no leading zero.
    private static func port(_ text: ArraySlice<UInt8>) -> UInt16? {
        guard (1...5).contains(text.count), text.count == 1 || text.first != UInt8(ascii: "0") else { return nil }
        var value = 0
        for byte in text {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return UInt16(exactly: value)
    }
}
