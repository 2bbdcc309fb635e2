/// A regular expression for `matches()`, compiled once and searched anywhere in the text (RE2's
/// unanchored semantics) by code point.
///
/// Every pattern runs on ``LinearRegex``: time linear in text length × pattern size, whatever the pattern.
/// What it does not cover is refused with the construct named, never handed to a backtracking engine:
/// Swift's `Regex` backtracks where RE2 does not, and its parser was found (by FuzzCEL) to hang on some
/// malformed patterns. Constructs RE2 itself refuses (backreferences, lookaround, atomic groups,
/// possessive quantifiers) are named as such. Each search is charged to the evaluation's budget in
/// proportion to text length × pattern size.
struct CompiledPattern: Sendable {
    private let regex: LinearRegex

    init(_ pattern: String) throws(EvaluationError) {
        if let refused = CompiledPattern.nonRE2Construct(in: pattern) {
            throw EvaluationError("invalid regular expression '\(pattern)': \(refused) is not RE2 syntax")
        }
        do {
            regex = try LinearRegex(pattern)
        } catch {
            throw EvaluationError("invalid regular expression '\(pattern)': \(error.construct) is not supported")
        }
    }

    func matches(_ text: String) -> Bool {
        regex.search(text)
    }

    /// Budget units for searching `text`.
    func cost(of text: String) -> Int {
        1 + (text.utf8.count * (1 + regex.program.count)) >> 6
    }

    /// The first construct RE2 refuses, if any.
    private static func nonRE2Construct(in pattern: String) -> String? {
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        var inClass = false
        while index < scalars.count {
            let c = scalars[index]
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            if c == "\\" {
                if let next, !inClass, ("1"..."9").contains(next) { return "a backreference" }
                if next == "k" || next == "g" { return "a backreference" }
                index += 2
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
            } else if c == "[" {
                inClass = true
                if next == "]" { index += 1 }
            } else if c == "(" && next == "?" {
                let rest = String(String.UnicodeScalarView(scalars[min(index + 2, scalars.count)...].prefix(3)))
                if rest.hasPrefix("=") || rest.hasPrefix("!") || rest.hasPrefix("<=") || rest.hasPrefix("<!") {
                    return "lookaround"
                }
                if rest.hasPrefix(">") { return "an atomic group" }
            } else if (c == "*" || c == "+" || c == "?" || c == "}") && next == "+" {
                return "a possessive quantifier"
            }
            index += 1
        }
        return nil
    }
}
