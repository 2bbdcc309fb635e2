/// A regular expression parsed from text, safe to share between concurrent requests.
///
/// `Regex` is not `Sendable` because one built with RegexBuilder may hold custom components of any
/// type. One parsed from a string holds none: only its immutable syntax tree and the matching program
/// the standard library lowers from it lazily, behind an atomic once-only initialization. The
/// initializer lowers that program straight away, so matching only ever reads it.
struct TextRegex: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>

    /// Parses and compiles `pattern`, matching on Unicode scalars (as RE2 and most engines do) rather
    /// than grapheme clusters.
    init(_ pattern: String) throws {
        regex = try Regex(pattern).matchingSemantics(.unicodeScalar)
        _ = try regex.firstMatch(in: "")
    }

    /// Whether `text` contains a match.
    func isFound(in text: Substring) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }
}
