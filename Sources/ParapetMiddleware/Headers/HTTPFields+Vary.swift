import HTTPTypes
import ParapetCore

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
                let name = listed.trimmingWhitespace
                if name == "*" || name.lowercased() == wanted { return }
            }
        }
        append(HTTPField(name: .vary, value: token))
    }
}
