import ParapetCore

/// The validators of a file on disk — a strong `ETag` from its modification time and size (as nginx
/// makes it) and its `Last-Modified` time — and the conditional-request rules that use them
/// (RFC 9110 §13).
struct FileValidators: Equatable {
    /// Seconds since the epoch of the last modification.
    var modified: Int64
    var size: Int64

    var etag: String { "\"\(String(modified, radix: 16))-\(String(size, radix: 16))\"" }
    var lastModified: String { WallInstant(secondsSinceEpoch: modified).httpDate }

    /// Whether a `GET`/`HEAD` with these fields may be answered `304 Not Modified`: `If-None-Match`
    /// (weak comparison) when present, otherwise `If-Modified-Since`.
    func isNotModified(ifNoneMatch: String?, ifModifiedSince: String?) -> Bool {
        if let ifNoneMatch {
            return Self.entityTags(in: ifNoneMatch).contains { $0 == "*" || Self.opaque($0) == Self.opaque(etag) }
        }
        guard let ifModifiedSince, let since = WallInstant(httpDate: ifModifiedSince) else { return false }
        return modified <= since.secondsSinceEpoch
    }

    /// Whether a `Range` may be honoured under `If-Range`: absent, a strongly matching tag, or exactly
    /// the `Last-Modified` date.
    func allowsRange(ifRange: String?) -> Bool {
        guard let ifRange = ifRange.map({ String($0.trimmingWhitespace) }), !ifRange.isEmpty else { return true }
        if ifRange.hasPrefix("\"") { return ifRange == etag }
        if ifRange.hasPrefix("W/") { return false }
        return WallInstant(httpDate: ifRange)?.secondsSinceEpoch == modified
    }

    private static func entityTags(in field: String) -> [Substring] {
        field.split(separator: ",").map { $0.trimmingWhitespace }
    }

    /// The quoted part of a tag, without a weakness prefix.
    private static func opaque(_ tag: some StringProtocol) -> Substring {
        let text = Substring(tag)
        return text.hasPrefix("W/") ? text.dropFirst(2) : text
    }
}
