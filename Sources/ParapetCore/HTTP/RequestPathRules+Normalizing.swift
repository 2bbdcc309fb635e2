extension RequestPathRules {
    /// The normal form of an origin-form request target (`/path?query`): the path normalized, the query
    /// untouched. `*` (for `OPTIONS`) is returned as it is; any other target is refused, since no route
    /// would match it yet a proxy would forward it as a path.
    ///
    /// ```swift
    /// try RequestPathRules.strict.normalizedTarget("//a/%2e%2e/b%7e?x=%2F")   // "/b~?x=%2F"
    /// try RequestPathRules.strict.normalizedTarget("/admin/..%2F")            // throws .encodedSlash
    /// ```
    ///
    /// - Throws: the ``RequestPathRejection`` naming why the path is refused.
    public func normalizedTarget(_ target: String) throws(RequestPathRejection) -> String {
        guard target.utf8.first == Byte.slash else {
            guard target == "*" else { throw .notOriginForm }
            return target
        }
        guard let mark = target.utf8.firstIndex(of: Byte.question) else {
            return String(try normalizedPath(target[...]))
        }
        let path = target[..<mark]
        let normal = try normalizedPath(path)
        return normal == path ? target : String(normal + target[mark...])
    }

    /// The normal form of `path`, which starts with `/` and holds no query; `path` itself (no copy)
    /// when it is already normal. Normalizing a normal path changes nothing.
    ///
    /// - Throws: the ``RequestPathRejection`` naming why the path is refused.
    public func normalizedPath(_ path: Substring) throws(RequestPathRejection) -> Substring {
        if Self.isNormal(path) { return path }
        let resolved = try Self.resolvingDotSegments(try normalizingBytes(path))
        return Substring(String(decoding: resolved, as: UTF8.self))
    }

    /// Whether `path` has only bytes that stand for themselves, no empty segment but a trailing one and
    /// no dot segment: the common case, answered without copying.
    static func isNormal(_ path: Substring) -> Bool {
        guard path.utf8.first == Byte.slash else { return false }
        var segmentLength = 0
        var dots = 0
        for byte in path.utf8.dropFirst() {
            if byte == Byte.slash {
                if segmentLength == 0 || isDotSegment(length: segmentLength, dots: dots) { return false }
                segmentLength = 0
                dots = 0
            } else {
                guard isRawPathByte(byte), byte != Byte.semicolon else { return false }
                segmentLength += 1
                if byte == Byte.dot { dots += 1 }
            }
        }
        return !isDotSegment(length: segmentLength, dots: dots)
    }

    /// `path` with escapes normalized, bytes that cannot stand in a path escaped, and the refused
    /// spellings thrown; segments are not touched yet.
    private func normalizingBytes(_ path: Substring) throws(RequestPathRejection) -> [UInt8] {
        let bytes = Array(path.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var previous: UInt8 = 0
        while index < bytes.count {
            var byte = bytes[index]
            let isEscaped = byte == Byte.percent
            if isEscaped {
                guard index + 2 < bytes.count, let high = Self.hexValue(bytes[index + 1]),
                    let low = Self.hexValue(bytes[index + 2])
                else { throw .invalidEscape }
                byte = high << 4 | low
                index += 3
            } else {
                index += 1
            }
            if Self.isOverlong(previous, byte) { throw .overlongUTF8 }
            previous = byte
            let isSeparatorAsData = byte == Byte.backslash || (isEscaped && byte == Byte.slash)
            switch byte {
            case 0:
                throw .nul
            case _ where isSeparatorAsData:
                guard encodedSlashes == .keepAsData else { throw .encodedSlash }
                Self.appendEscape(byte, to: &output)
            case Byte.semicolon where !isEscaped:
                guard semicolons == .keepAsData else { throw .semicolon }
                output.append(byte)
            default:
                if Self.isUnreserved(byte) || (!isEscaped && Self.isRawPathByte(byte)) {
                    output.append(byte)
                } else {
                    Self.appendEscape(byte, to: &output)
                }
            }
        }
        return output
    }

    /// `path` with empty segments merged and dot segments resolved as if rooted; a trailing slash, or a
    /// trailing dot segment, leaves a trailing slash.
    private static func resolvingDotSegments(_ path: [UInt8]) throws(RequestPathRejection) -> [UInt8] {
        var kept: [ArraySlice<UInt8>] = []
        let parts = path.split(separator: Byte.slash, omittingEmptySubsequences: true)
        for part in parts {
            switch dotCount(part) {
            case 1: continue
            case 2: _ = kept.popLast()
            default:
                if let semicolon = part.firstIndex(of: Byte.semicolon), dotCount(part[..<semicolon]) != nil {
                    throw .dotSegmentWithParameters
                }
                kept.append(part)
            }
        }
        var output: [UInt8] = [Byte.slash]
        output.reserveCapacity(path.count)
        for (position, segment) in kept.enumerated() {
            if position > 0 { output.append(Byte.slash) }
            output += segment
        }
        let endsAsDirectory = path.last == Byte.slash || parts.last.map { dotCount($0) != nil } == true
        if endsAsDirectory, !kept.isEmpty { output.append(Byte.slash) }
        return output
    }

    /// 1 for `.`, 2 for `..`, `nil` for any other segment.
    private static func dotCount(_ segment: ArraySlice<UInt8>) -> Int? {
        (1...2).contains(segment.count) && segment.allSatisfy { $0 == Byte.dot } ? segment.count : nil
    }

    private static func isDotSegment(length: Int, dots: Int) -> Bool {
        length > 0 && length <= 2 && dots == length
    }

    /// Whether `byte` after `previous` makes an overlong UTF-8 sequence: a two-byte one for ASCII
    /// (lead `C0`/`C1`), or a three- or four-byte one that a shorter form could hold.
    private static func isOverlong(_ previous: UInt8, _ byte: UInt8) -> Bool {
        switch previous {
        case 0xC0, 0xC1: (0x80...0xBF).contains(byte)
        case 0xE0: (0x80...0x9F).contains(byte)
        case 0xF0: (0x80...0x8F).contains(byte)
        default: false
        }
    }

    /// RFC 3986 `unreserved`: letters, digits, `-`, `.`, `_`, `~`.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "-._~".utf8.contains(byte)
        }
    }

    /// Whether `byte` stands for itself in a normal path: RFC 3986 `pchar` but `%` (unreserved,
    /// sub-delims, `:`, `@`), plus `/`. Any other byte is escaped.
    public static func isRawPathByte(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || "!$&'()*+,;=:@/".utf8.contains(byte)
    }

    private static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        output.append(Byte.percent)
        output.append(hexDigit(byte >> 4))
        output.append(hexDigit(byte & 0xF))
    }

    /// The value of the hex digit `byte` (either case), or `nil`; shared by every `%XX` reader.
    package static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }

    private enum Byte {
        static let slash = UInt8(ascii: "/")
        static let backslash = UInt8(ascii: "\\")
        static let dot = UInt8(ascii: ".")
        static let percent = UInt8(ascii: "%")
        static let semicolon = UInt8(ascii: ";")
        static let question = UInt8(ascii: "?")
    }
}
