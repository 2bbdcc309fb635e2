/// Escaping text for HTML the middlewares write (directory listings, redirect bodies).
enum HTMLEscaping {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by references, safe in element content and in quoted
    /// attribute values.
    static func escape(_ text: String) -> String {
        // Scalar by scalar: as a Character, `"` followed by a combining mark is one grapheme that matches no
        // case below, and the quote would go out raw.
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}
