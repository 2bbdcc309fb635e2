import ParapetCore

/// How a ``Location`` matches a normalized request path (see ``RequestPath``).
enum PathRule: Sendable {
    /// The path equals this one.
    case exact(String)
    /// The path starts with this one at a segment boundary.
    case prefix(String)
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
    static func path(_ path: Substring, hasSegmentPrefix prefix: String) -> Bool {
        guard path.utf8.starts(with: prefix.utf8) else { return false }
        let rest = path.utf8.dropFirst(prefix.utf8.count)
        return rest.isEmpty || prefix.utf8.last == UInt8(ascii: "/") || rest.first == UInt8(ascii: "/")
    }

    /// `path` when it starts with `/` and is already in normalized form, so that it can ever match.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` otherwise.
    static func validated(_ path: String) throws(ConfigurationError) -> String {
        guard let normalized = RequestPath.normalized(path) else {
            throw .invalidValue(field: "location path", reason: "\"\(path)\" does not start with /")
        }
        guard normalized == path else {
            throw .invalidValue(
                field: "location path",
                reason: "\"\(path)\" never matches: requests are compared decoded, without query, "
                    + "with // and dot segments resolved; write \"\(normalized)\"")
        }
        return path
    }
}
