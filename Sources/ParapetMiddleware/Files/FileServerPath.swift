import ParapetCore

/// The file a request path names under a file server's root, as path segments — or `nil` for a path no
/// file can answer: a malformed percent-escape, a NUL or backslash (raw or `%5C`), an encoded slash
/// (`%2F` is data inside a segment, as routing sees it, and no file name holds a slash), or a `..` that
/// would climb above the root (however it is spelt: `..`, `%2e%2e`).
///
/// `.` segments and empty segments are dropped and `..` removes the segment before it, so
/// `/a/./b/../c` names `a/c`. Symbolic links are checked separately, against the real path on disk.
struct FileServerPath: Equatable {
    /// The path segments below the root, decoded.
    var segments: [String]
    /// Whether the request path ended with `/` (it asks for a directory).
    var isDirectoryRequest: Bool

    init?(requestPath: String) {
        let path = requestPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path.hasPrefix("/"), path.utf8.firstRange(of: "%2f".utf8) == nil,
            path.utf8.firstRange(of: "%2F".utf8) == nil, let decoded = Self.percentDecoded(path),
            !decoded.contains("\0"), !decoded.contains("\\")
        else { return nil }
        var segments: [String] = []
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..":
                guard segments.popLast() != nil else { return nil }
            default: segments.append(String(segment))
            }
        }
        self.segments = segments
        self.isDirectoryRequest = decoded.hasSuffix("/")
    }

    /// `text` with `%XX` escapes decoded; `nil` when an escape is malformed or the bytes are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(RequestPathRules.hexValue),
                let low = iterator.next().flatMap(RequestPathRules.hexValue)
            else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
