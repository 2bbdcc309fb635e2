/// An HTTP/1.1 request head that asks to upgrade to cleartext HTTP/2 (RFC 7540 §3.2) and qualifies for it,
/// translated into the header fields of the HTTP/2 request it becomes on stream 1.
///
/// Parsing is deliberately strict: anything unusual (obs-fold, bare LF, obs-text, an absolute-form target, a
/// request body, a missing or repeated `Host`) disqualifies the upgrade, and the request is then served as
/// plain HTTP/1.1 by the ordinary HTTP/1 decoder, which judges it on its own terms. Declining is always safe.
///
/// ```swift
/// let head = "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\n"
///     + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n"
/// let request = H2CUpgradeRequest(head: Array(head.utf8))
/// // request?.headerFields: :method GET, :scheme http, :path /, :authority a
/// ```
struct H2CUpgradeRequest: Equatable, Sendable {
    /// One HTTP/2 header field; names are lower-case.
    struct HeaderField: Equatable, Sendable {
        /// The field name, lower-case, or a pseudo-header name such as `:path`.
        var name: String
        /// The field value, without leading or trailing whitespace.
        var value: String
    }

    /// The HTTP/2 request's header fields: `:method`, `:scheme`, `:path` and `:authority` first, then the
    /// request's own fields in their original order without the connection-specific ones.
    var headerFields: [HeaderField]

    /// The settings decoded from the `HTTP2-Settings` field.
    var http2Settings: [HTTP2SettingsHeader.Setting]

    /// Fields that describe the HTTP/1.1 connection and must not be carried into HTTP/2 (RFC 9113 §8.2.2).
    static let connectionSpecificFields: Set<String> = [
        "connection", "upgrade", "http2-settings", "host", "keep-alive", "proxy-connection", "transfer-encoding",
    ]

    /// Parses a complete request head, request line through the empty line, CRLF-terminated.
    ///
    /// - Returns: `nil` unless `head` is a well-formed HTTP/1.1 request with `Upgrade` naming `h2c`, exactly one
    ///   valid `HTTP2-Settings`, `Connection` naming both `Upgrade` and `HTTP2-Settings`, one non-empty `Host`,
    ///   an origin-form (or `OPTIONS *`) target, and no body.
    init?(head: some Collection<UInt8>) {
        guard let lines = Self.lines(of: Array(head)), let requestLine = lines.first,
            let (method, target) = Self.parseRequestLine(requestLine)
        else { return nil }

        var fields: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let field = Self.parseFieldLine(line) else { return nil }
            fields.append(field)
        }
        func tokens(of name: String) -> [String] {
            fields.filter { $0.name == name }.flatMap { Self.tokenList($0.value) }
        }

        guard tokens(of: "upgrade").contains("h2c") else { return nil }
        let connectionTokens = tokens(of: "connection")
        guard connectionTokens.contains("upgrade"), connectionTokens.contains("http2-settings") else { return nil }
        let settingsValues = fields.filter { $0.name == "http2-settings" }.map(\.value)
        guard settingsValues.count == 1, let settingsValue = settingsValues.first,
            let settings = HTTP2SettingsHeader.decode(Array(settingsValue.utf8))
        else { return nil }
        let hosts = fields.filter { $0.name == "host" }.map(\.value)
        guard hosts.count == 1, let authority = hosts.first, !authority.isEmpty,
            !authority.utf8.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        else { return nil }
        // A request with a body cannot be upgraded without reading the body first; serve it as HTTP/1.1.
        guard !fields.contains(where: { $0.name == "transfer-encoding" }),
            fields.allSatisfy({ $0.name != "content-length" || $0.value == "0" })
        else { return nil }

        var headerFields = [
            HeaderField(name: ":method", value: method),
            HeaderField(name: ":scheme", value: "http"),
            HeaderField(name: ":path", value: target),
            HeaderField(name: ":authority", value: authority),
        ]
        // Fields named in `Connection` are hop-by-hop as well (RFC 9110 §7.6.1).
        let dropped = Self.connectionSpecificFields.union(connectionTokens)
        for field in fields where !dropped.contains(field.name) {
            if field.name == "te" {
                // HTTP/2 allows `te` only with the value `trailers`.
                if Self.tokenList(field.value).contains("trailers") {
                    headerFields.append(HeaderField(name: "te", value: "trailers"))
                }
            } else {
                headerFields.append(HeaderField(name: field.name, value: field.value))
            }
        }
        self.headerFields = headerFields
        self.http2Settings = settings
    }

    /// Splits `bytes` into CRLF-terminated lines up to the first empty one; `nil` on a bare CR or LF, or
    /// when anything follows the empty line.
    private static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>]? {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\r"):
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") else { return nil }
                if index == start {
                    // The empty line ends the head; nothing may follow it.
                    return index + 2 == bytes.count && !lines.isEmpty ? lines : nil
                }
                lines.append(bytes[start..<index])
                index += 2
                start = index
            case UInt8(ascii: "\n"):
                return nil
            default:
                index += 1
            }
        }
        return nil
    }

    /// `method SP origin-form SP HTTP/1.1`, or `OPTIONS * HTTP/1.1`.
    private static func parseRequestLine(_ line: ArraySlice<UInt8>) -> (method: String, target: String)? {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, Array(parts[2]) == Array("HTTP/1.1".utf8) else { return nil }
        let method = parts[0]
        let target = parts[1]
        guard !method.isEmpty, method.allSatisfy(Self.isTokenCharacter),
            let first = target.first, target.allSatisfy(Self.isVisibleASCII)
        else { return nil }
        let methodString = String(decoding: method, as: UTF8.self)
        let targetString = String(decoding: target, as: UTF8.self)
        switch first {
        case UInt8(ascii: "/"): return (methodString, targetString)
        case UInt8(ascii: "*") where target.count == 1 && methodString == "OPTIONS": return (methodString, targetString)
        default: return nil
        }
    }

    /// `name ":" OWS value OWS` with a token name and a value of visible ASCII, SP and HTAB; the name is
    /// lower-cased and the value trimmed.
    private static func parseFieldLine(_ line: ArraySlice<UInt8>) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = line[line.startIndex..<colon]
        let value = line[(colon + 1)...]
        guard !name.isEmpty, name.allSatisfy(Self.isTokenCharacter),
            value.allSatisfy({ Self.isVisibleASCII($0) || Self.isWhitespace($0) })
        else { return nil }
        return (
            String(decoding: name, as: UTF8.self).lowercased(),
            String(decoding: Self.trimmingWhitespace(value), as: UTF8.self)
        )
    }

    /// The lower-cased, non-empty elements of a comma-separated list.
    private static func tokenList(_ value: String) -> [String] {
        value.utf8.split(separator: UInt8(ascii: ",")).map {
            String(decoding: trimmingWhitespace($0), as: UTF8.self).lowercased()
        }.filter { !$0.isEmpty }
    }
}
