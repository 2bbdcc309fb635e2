/// The path of a request target as the routing middlewares compare it: percent-decoded, with repeated
/// slashes merged and `.`/`..` segments resolved (RFC 3986 §5.2.4), so `/a/%2E%2E/admin`, `//admin` and
/// `/admin` all route alike and a spelling trick cannot slip past a ``Location`` or ``Router``.
///
/// The request itself is never rewritten; only the comparison uses this form.
enum RequestPath {
    /// The path part of `target` (everything before `?`) and its query (after `?`, `nil` without one).
    static func split(_ target: String) -> (path: Substring, query: Substring?) {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target[...], nil) }
        return (target[..<mark], target[target.utf8.index(after: mark)...])
    }

    /// The normalized path of `target` (see ``RequestPath``), or `nil` when it is not an origin-form path
    /// (`*`, or a `CONNECT` request's missing path).
    static func normalized(_ target: String?) -> Substring? {
        guard let target, target.utf8.first == UInt8(ascii: "/") else { return nil }
        return cleaned(decoded(split(target).path))
    }

    /// `path` with every valid `%XX` escape decoded; an invalid escape is kept literally.
    static func decoded(_ path: Substring) -> Substring {
        guard path.utf8.contains(UInt8(ascii: "%")) else { return path }
        let bytes = Array(path.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return Substring(String(decoding: output, as: UTF8.self))
    }

    /// `path` (which starts with `/`) with repeated slashes merged and dot segments resolved; `..` never
    /// climbs above the root. A trailing slash, or a trailing dot segment, leaves a trailing slash.
    static func cleaned(_ path: Substring) -> Substring {
        guard !isClean(path) else { return path }
        var segments: [Substring] = []
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        for part in parts {
            switch part {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(part)
            }
        }
        var result = "/" + segments.joined(separator: "/")
        let endsAsDirectory = path.hasSuffix("/") || parts.last == "." || parts.last == ".."
        if endsAsDirectory, !segments.isEmpty { result += "/" }
        return Substring(result)
    }

    /// Whether `path` has no empty, `.` or `..` segment (apart from a trailing slash).
    static func isClean(_ path: Substring) -> Bool {
        var segmentLength = 0
        var dots = 0
        var isFirstSegment = true
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                if !isFirstSegment, segmentLength == 0 || isDotSegment(length: segmentLength, dots: dots) {
                    return false
                }
                isFirstSegment = false
                segmentLength = 0
                dots = 0
            } else {
                segmentLength += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return !isDotSegment(length: segmentLength, dots: dots)
    }

    /// `path` escaped for use in a `Location` header: bytes outside RFC 3986 `pchar` and `/` become `%XX`.
    static func encoded(_ path: Substring) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(path.utf8.count)
        for byte in path.utf8 {
            if isPathCharacter(byte) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigit(byte >> 4))
                output.append(hexDigit(byte & 0xF))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isDotSegment(length: Int, dots: Int) -> Bool {
        length > 0 && length <= 2 && dots == length
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
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

    /// RFC 3986 `pchar` (unreserved, sub-delims, `:` and `@`) plus `/`.
    private static func isPathCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$&'()*+,;=:@/".utf8.contains(byte)
        }
    }
}
