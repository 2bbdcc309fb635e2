import ParapetCore

/// How a ``Location`` matches a normalized request path (see ``RequestPath``).
enum PathRule: Sendable {
    /// The path equals this one.
    case exact(Substring)
    /// The path starts with this one at a segment boundary.
    case prefix(Substring)
    /// The path contains a match of this expression.
    case expression(TextRegex)

    func matches(_ path: Substring) -> Bool {
        switch self {
        case .exact(let exact):
            return path == exact
        case .prefix(let prefix):
            return Self.path(path, hasSegmentPrefix: prefix)
        case .expression(let regex):
            return regex.isFound(in: path)
        }
    }

    /// Whether `path` starts with `prefix` and the match ends at a segment boundary: at the end of
    /// `path`, before a `/`, or after a `prefix` that itself ends in `/`.
    static func path(_ path: Substring, hasSegmentPrefix prefix: Substring) -> Bool {
        guard path.utf8.starts(with: prefix.utf8) else { return false }
        let rest = path.utf8.dropFirst(prefix.utf8.count)
        return rest.isEmpty || prefix.utf8.last == UInt8(ascii: "/") || rest.first == UInt8(ascii: "/")
    }

    /// `path` in the form requests are compared in (see ``RequestPath/configured(_:)``).
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` when it could never match.
    static func validated(_ path: String) throws(ConfigurationError) -> Substring {
        guard path.utf8.first == UInt8(ascii: "/") else {
            throw .invalidValue(field: "location path", reason: "\"\(path)\" does not start with /")
        }
        guard let configured = RequestPath.configured(path) else {
            throw .invalidValue(
                field: "location path",
                reason: "\"\(path)\" never matches: requests are compared without query, with // and dot "
                    + "segments resolved and only unreserved characters (letters, digits, -._~) decoded")
        }
        return configured
    }
}
