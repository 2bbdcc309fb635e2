/// Escaping text for HTML the middlewares write (directory listings, redirect bodies).
enum HTMLEscaping {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by references, safe in element content and in quoted
    /// attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
