import HTTPTypes

extension HTTPFields {
    /// Adds `token` to `Vary` unless a line already lists it (compared case-insensitively) or lists `*`:
    /// the values already there — an upstream's, another middleware's — are kept, never replaced.
    ///
    /// ```swift
    /// var fields: HTTPFields = [.vary: "Accept-Encoding"]
    /// fields.mergeVary("Origin")   // Vary: Accept-Encoding, then Vary: Origin
    /// fields.mergeVary("origin")   // unchanged
    /// ```
    mutating func mergeVary(_ token: String) {
        let wanted = token.lowercased()
        for line in self[values: .vary] {
            for listed in line.split(separator: ",") {
                let name = Self.trimmingWhitespace(listed)
                if name == "*" || name.lowercased() == wanted { return }
            }
        }
        append(HTTPField(name: .vary, value: token))
    }

    /// `text` without leading and trailing spaces and tabs.
    private static func trimmingWhitespace(_ text: Substring) -> Substring {
        var trimmed = text.drop { $0 == " " || $0 == "\t" }
        while trimmed.last == " " || trimmed.last == "\t" {
            trimmed.removeLast()
        }
        return trimmed
    }
}
