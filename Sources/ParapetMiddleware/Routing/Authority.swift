import ParapetCore

/// A request's authority (the `Host` header or HTTP/2 `:authority`) split into host and port and
/// checked against RFC 3986 `host [ ":" port ]`: a registered name, an IPv4 address or a bracketed IPv6
/// literal, then an optional decimal port. Anything else (a path, user info, spaces, an unbracketed IPv6
/// address) does not parse, so it can neither match a host name nor end up in a `Location` header.
struct Authority {
    /// The host as sent, without the brackets of an IPv6 literal.
    let host: Substring
    /// The port as sent; `nil` when there is none (an empty port, `example.com:`, counts as none).
    let port: Substring?
    /// The address when the host is an IP literal.
    let address: IPAddress?

    /// Parses `text`; `nil` when it is not a well-formed authority.
    init?(_ text: some StringProtocol) {
        let text = Substring(text)
        let portStart: Substring.Index?
        if text.utf8.first == UInt8(ascii: "[") {
            guard let close = text.utf8.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            let literal = text[text.utf8.index(after: text.startIndex)..<close]
            guard literal.utf8.contains(UInt8(ascii: ":")), let address = IPAddress(literal) else { return nil }
            let rest = text[text.utf8.index(after: close)...]
            guard rest.isEmpty || rest.utf8.first == UInt8(ascii: ":") else { return nil }
            host = literal
            self.address = address
            portStart = rest.isEmpty ? nil : rest.startIndex
        } else {
            let colon = text.utf8.firstIndex(of: UInt8(ascii: ":"))
            let name = text[..<(colon ?? text.endIndex)]
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isRegisteredNameByte) else { return nil }
            host = name
            address = Self.looksLikeIPv4(name) ? IPAddress(name) : nil
            portStart = colon
        }
        if let portStart {
            let digits = text[text.utf8.index(after: portStart)...]
            guard digits.utf8.count <= 5,
                digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                (Int(digits) ?? 0) <= 65535
            else { return nil }
            port = digits.isEmpty ? nil : digits
        } else {
            port = nil
        }
    }

    /// Whether the host is a bracketed IPv6 literal.
    var isIPv6: Bool {
        if case .v6 = address { return true }
        return false
    }

    /// The host as names are compared: ASCII lowercase without one trailing dot, an IPv6 literal in its
    /// canonical text (`[2001:DB8:0::1]` → `2001:db8::1`).
    var normalizedHost: Substring {
        if let address, isIPv6 { return Substring(address.description) }
        var name = host
        if name.utf8.last == UInt8(ascii: "."), name.utf8.count > 1 { name = name.dropLast() }
        guard name.utf8.contains(where: Self.isUppercase) else { return name }
        return Substring(String(decoding: name.utf8.map { Self.isUppercase($0) ? $0 + 32 : $0 }, as: UTF8.self))
    }

    private static func isUppercase(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
    }

    /// The host as it goes into a URL: as sent, with brackets back around an IPv6 literal.
    var hostForURL: String {
        isIPv6 ? "[" + host + "]" : String(host)
    }

    /// RFC 3986 `reg-name` bytes (unreserved, sub-delims and `%` of pct-encoded); an IPv4 address is
    /// made of them too.
    private static func isRegisteredNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=%".utf8.contains(byte)
        }
    }

    private static func looksLikeIPv4(_ name: Substring) -> Bool {
        name.utf8.allSatisfy { $0 == UInt8(ascii: ".") || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }
}
