/// A regular expression for `matches()`, compiled once and searched anywhere in the text (RE2's
/// unanchored semantics) by code point.
///
/// Patterns within ``LinearRegex``'s syntax (nearly every rule) run on it: linear time, whatever the
/// pattern. Others fall back to Swift's `Regex`, which backtracks where RE2 does not; there, what RE2
/// refuses — backreferences, lookaround, atomic groups, possessive quantifiers — is refused too, so an
/// expression accepted here means the same under cel-go. Each search is charged to the evaluation's budget
/// in proportion to text length × pattern size.
struct CompiledPattern: @unchecked Sendable {
    private enum Engine {
        case linear(LinearRegex)
        case backtracking(Regex<AnyRegexOutput>)
    }
    // `Regex<AnyRegexOutput>` is immutable after construction; the standard library has not yet marked it
    // Sendable, and sharing it for concurrent matching is safe.
    private let engine: Engine
    private let size: Int

    init(_ pattern: String) throws(EvaluationError) {
        if let refused = CompiledPattern.nonRE2Construct(in: pattern) {
            throw EvaluationError("invalid regular expression '\(pattern)': \(refused) is not RE2 syntax")
        }
        if let linear = try? LinearRegex(pattern) {
            engine = .linear(linear)
            size = linear.program.count
            return
        }
        do {
            engine = .backtracking(try Regex(pattern).matchingSemantics(.unicodeScalar))
        } catch {
            throw EvaluationError("invalid regular expression '\(pattern)': \(error)")
        }
        size = pattern.utf8.count
    }

    func matches(_ text: String) -> Bool {
        switch engine {
        case .linear(let regex): regex.search(text)
        case .backtracking(let regex): (try? regex.firstMatch(in: text)) != nil
        }
    }

    /// Budget units for searching `text`.
    func cost(of text: String) -> Int {
        1 + (text.utf8.count * (1 + size)) >> 6
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
