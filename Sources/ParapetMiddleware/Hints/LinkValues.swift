import ParapetCore

/// The link-values of `Link` fields (RFC 8288 §3) that a browser may act on early: `rel` naming
/// `preload` or `preconnect`, without the `nopush` hint that asks servers not to act on them.
///
/// A field value is split at the commas that separate link-values — not those inside the `<…>` target or a
/// quoted parameter — and each link-value is kept verbatim, so the `103` repeats what the origin wrote.
/// A malformed link-value (no `<…>` target, an unterminated quote) is skipped, never guessed at.
enum LinkValues {
    /// The hint-worthy link-values among `fields`, in order.
    static func earlyHints(in fields: [String]) -> [Substring] {
        fields.flatMap(split).filter(isEarlyHint)
    }

    /// `value` split into its link-values, each trimmed of surrounding whitespace.
    static func split(_ value: String) -> [Substring] {
        var parts: [Substring] = []
        var start = value.startIndex
        var inTarget = false
        var inQuotes = false
        var isEscaped = false
        for index in value.indices {
            let character = value[index]
            if isEscaped {
                isEscaped = false
            } else if inQuotes {
                if character == "\\" { isEscaped = true } else if character == "\"" { inQuotes = false }
            } else if inTarget {
                if character == ">" { inTarget = false }
            } else if character == "<" {
                inTarget = true
            } else if character == "\"" {
                inQuotes = true
            } else if character == "," {
                parts.append(value[start..<index])
                start = value.index(after: index)
            }
        }
        parts.append(value[start...])
        return parts.map(\.trimmingWhitespace).filter { !$0.isEmpty }
    }

    /// Whether `link` is a well-formed link-value: a `<…>` target, then `; name[=value]` parameters.
    static func isWellFormed(_ link: Substring) -> Bool {
        guard link.first == "<", let close = link.firstIndex(of: ">") else { return false }
        return parameters(link[link.index(after: close)...]).allSatisfy { $0 != nil }
    }

    /// Whether `link` is a well-formed link-value whose `rel` asks for preloading or preconnecting and
    /// which says no `nopush`.
    static func isEarlyHint(_ link: Substring) -> Bool {
        guard link.first == "<", let close = link.firstIndex(of: ">") else { return false }
        var relations: [Substring] = []
        var hasNoPush = false
        for parameter in parameters(link[link.index(after: close)...]) {
            guard let parameter else { return false }
            switch parameter.name.lowercased() {
            case "rel": relations += parameter.value.split(separator: " ")
            case "nopush": hasNoPush = true
            default: break
            }
        }
        return !hasNoPush && relations.contains { ["preload", "preconnect"].contains($0.lowercased()) }
    }

    /// The `; name[=value]` parameters after a link's target, values unquoted; a `nil` element for a
    /// malformed parameter.
    private static func parameters(_ text: Substring) -> [(name: Substring, value: Substring)?] {
        var result: [(name: Substring, value: Substring)?] = []
        var rest = text.trimmingWhitespace
        while !rest.isEmpty {
            guard rest.first == ";" else { return result + [nil] }
            rest = rest.dropFirst().trimmingWhitespace
            let nameEnd = rest.firstIndex { $0 == "=" || $0 == ";" } ?? rest.endIndex
            let name = rest[..<nameEnd].trimmingWhitespace
            guard !name.isEmpty else { return result + [nil] }
            rest = rest[nameEnd...]
            var value: Substring = ""
            if rest.first == "=" {
                rest = rest.dropFirst().trimmingWhitespace
                if rest.first == "\"" {
                    guard let close = closingQuote(in: rest) else { return result + [nil] }
                    value = rest[rest.index(after: rest.startIndex)..<close]
                    rest = rest[rest.index(after: close)...]
                } else {
                    let end = rest.firstIndex(of: ";") ?? rest.endIndex
                    value = rest[..<end].trimmingWhitespace
                    rest = rest[end...]
                }
            }
            result.append((name, value))
            rest = rest.trimmingWhitespace
        }
        return result
    }

    /// The index of the quote closing the quoted string `text` starts with, skipping escaped characters.
    private static func closingQuote(in text: Substring) -> Substring.Index? {
        var isEscaped = false
        for index in text.indices.dropFirst() {
            if isEscaped {
                isEscaped = false
            } else if text[index] == "\\" {
                isEscaped = true
            } else if text[index] == "\"" {
                return index
            }
        }
        return nil
    }
}
