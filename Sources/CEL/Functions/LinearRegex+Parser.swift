/// A parsed regular expression.
indirect enum RegexTree {
    case set(LinearRegex.ScalarSet)
    case any(matchesNewline: Bool)
    case assert(LinearRegex.Assertion)
    case sequence([RegexTree])
    case alternation([RegexTree])
    case repeated(RegexTree, min: Int, max: Int?)
}

/// Parses RE2 syntax into a ``RegexTree``.
struct RegexParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var caseless = false
    private var multiline = false
    private var dotAll = false
    private var depth = 0

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func take() -> Unicode.Scalar? {
        defer { position += 1 }
        return peek
    }

    mutating func parseAll() throws(LinearRegex.Unsupported) -> RegexTree {
        let tree = try alternation()
        guard position == scalars.count else { throw LinearRegex.Unsupported(construct: "an unbalanced ')'") }
        return tree
    }

    private mutating func alternation() throws(LinearRegex.Unsupported) -> RegexTree {
        depth += 1
        defer { depth -= 1 }
        guard depth < 100 else { throw LinearRegex.Unsupported(construct: "nesting deeper than 100") }
        var branches = [try sequence()]
        while peek == "|" {
            position += 1
            branches.append(try sequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func sequence() throws(LinearRegex.Unsupported) -> RegexTree {
        var items: [RegexTree] = []
        while let c = peek, c != "|", c != ")" {
            guard var atom = try atom() else { continue }
            atom = try quantified(atom)
            items.append(atom)
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private mutating func quantified(_ atom: RegexTree) throws(LinearRegex.Unsupported) -> RegexTree {
        var result = atom
        while let c = peek {
            let bounds: (Int, Int?)
            switch c {
            case "*": bounds = (0, nil)
            case "+": bounds = (1, nil)
            case "?": bounds = (0, 1)
            case "{":
                guard let counted = counts() else { return result }  // a literal '{', as in RE2
                bounds = counted
            default: return result
            }
            if c != "{" { position += 1 }
            if peek == "?" { position += 1 }  // lazy: the same language, so the same answer
            if peek == "+" { throw LinearRegex.Unsupported(construct: "a possessive quantifier") }
            guard bounds.0 <= 1000, (bounds.1 ?? 0) <= 1000 else {
                throw LinearRegex.Unsupported(construct: "a repeat count above 1000")
            }
            result = .repeated(result, min: bounds.0, max: bounds.1)
        }
        return result
    }

    /// `{n}`, `{n,}`, `{n,m}` at the position (consumed); nil, consuming nothing, when it is not one.
    private mutating func counts() -> (Int, Int?)? {
        var index = position + 1
        func number() -> Int? {
            var value: Int?
            while index < scalars.count,
                let digit = scalars[index].properties.numericType != nil
                    ? Int(String(scalars[index])) : nil
            {
                value = min((value ?? 0) * 10 + digit, 100_000)
                index += 1
            }
            return value
        }
        guard let low = number() else { return nil }
        var high: Int? = low
        if index < scalars.count, scalars[index] == "," {
            index += 1
            high = number()
        }
        guard index < scalars.count, scalars[index] == "}", high.map({ $0 >= low }) ?? true else { return nil }
        position = index + 1
        return (low, high)
    }

    private func set(_ scalar: Unicode.Scalar) -> RegexTree {
        let single = LinearRegex.ScalarSet(ranges: [scalar.value...scalar.value])
        return .set(caseless ? single.caseFolded() : single)
    }

    /// One atom, or nil for a flag group such as `(?i)` that only changes what follows.
    private mutating func atom() throws(LinearRegex.Unsupported) -> RegexTree? {
        guard let c = take() else { throw LinearRegex.Unsupported(construct: "a truncated pattern") }
        switch c {
        case ".": return .any(matchesNewline: dotAll)
        case "^": return .assert(multiline ? .lineStart : .textStart)
        case "$": return .assert(multiline ? .lineEnd : .textEnd)
        case "[": return .set(try characterClass())
        case "\\": return try escape(inClass: false).tree
        case "*", "+", "?": throw LinearRegex.Unsupported(construct: "a quantifier with nothing to repeat")
        case "(": return try group()
        default: return set(c)
        }
    }

    private mutating func group() throws(LinearRegex.Unsupported) -> RegexTree? {
        let saved = (caseless, multiline, dotAll)
        if peek == "?" {
            position += 1
            if peek == "P" || peek == "<" {
                if peek == "P" { position += 1 }
                guard peek == "<" else { throw LinearRegex.Unsupported(construct: "(?P") }
                position += 1
                while let c = take(), c != ">" {
                    guard c == "_" || c.properties.isAlphabetic || c.properties.numericType != nil else {
                        throw LinearRegex.Unsupported(construct: "lookaround or a bad group name")
                    }
                }
            } else {
                var enable = true
                var flags = (caseless, multiline, dotAll)
                while let c = take() {
                    switch c {
                    case "i": flags.0 = enable
                    case "m": flags.1 = enable
                    case "s": flags.2 = enable
                    case "U": break
                    case "-": enable = false
                    case ")":
                        (caseless, multiline, dotAll) = flags  // applies to the rest of the enclosing group
                        return nil
                    case ":":
                        (caseless, multiline, dotAll) = flags
                        return try closeGroup(restoring: saved)
                    default:
                        throw LinearRegex.Unsupported(construct: "the group '(?\(c)'")
                    }
                }
                throw LinearRegex.Unsupported(construct: "an unterminated group")
            }
        }
        return try closeGroup(restoring: saved)
    }

    private mutating func closeGroup(restoring saved: (Bool, Bool, Bool)) throws(LinearRegex.Unsupported) -> RegexTree {
        let inner = try alternation()
        guard take() == ")" else { throw LinearRegex.Unsupported(construct: "a missing ')'") }
        (caseless, multiline, dotAll) = saved
        return inner
    }

    private mutating func characterClass() throws(LinearRegex.Unsupported) -> LinearRegex.ScalarSet {
        var result = LinearRegex.ScalarSet(ranges: [])
        if peek == "^" {
            result.negated = true
            position += 1
        }
        var first = true
        while let c = take() {
            if c == "]" && !first { return caseless ? result.caseFolded() : result }
            first = false
            var low: UInt32
            if c == "\\" {
                let escaped = try escape(inClass: true)
                guard let scalar = escaped.scalar else {
                    if case .set(let set)? = escaped.tree, !set.negated {
                        result.ranges += set.ranges
                        continue
                    }
                    throw LinearRegex.Unsupported(construct: "a negated class inside a class")
                }
                low = scalar.value
            } else if c == "[" && peek == ":" {
                throw LinearRegex.Unsupported(construct: "a POSIX class")
            } else {
                low = c.value
            }
            var high = low
            if peek == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                position += 1
                guard let end = take() else { break }
                if end == "\\" {
                    guard let scalar = try escape(inClass: true).scalar else {
                        throw LinearRegex.Unsupported(construct: "a class as a range end")
                    }
                    high = scalar.value
                } else {
                    high = end.value
                }
                guard high >= low else { throw LinearRegex.Unsupported(construct: "a reversed range") }
            }
            result.ranges.append(low...high)
        }
        throw LinearRegex.Unsupported(construct: "an unterminated class")
    }

    /// An escape after `\`: a single scalar, or a tree (class or assertion).
    private mutating func escape(inClass: Bool) throws(LinearRegex.Unsupported) -> (
        scalar: Unicode.Scalar?, tree: RegexTree?
    ) {
        guard let c = take() else { throw LinearRegex.Unsupported(construct: "a trailing backslash") }
        func named(_ set: LinearRegex.ScalarSet, negated: Bool) -> (Unicode.Scalar?, RegexTree?) {
            var copy = set
            copy.negated = negated
            return (nil, .set(copy))
        }
        switch c {
        case "d", "D": return named(.digit, negated: c == "D")
        case "w", "W": return named(.word, negated: c == "W")
        case "s", "S": return named(.space, negated: c == "S")
        case "b" where !inClass: return (nil, .assert(.wordBoundary))
        case "B" where !inClass: return (nil, .assert(.notWordBoundary))
        case "A" where !inClass: return (nil, .assert(.textStart))
        case "z" where !inClass: return (nil, .assert(.textEnd))
        case "n": return (scalarTree("\n"))
        case "r": return (scalarTree("\r"))
        case "t": return (scalarTree("\t"))
        case "f": return (scalarTree("\u{0C}"))
        case "v": return (scalarTree("\u{0B}"))
        case "a": return (scalarTree("\u{07}"))
        case "x":
            var digits = ""
            if peek == "{" {
                position += 1
                while let d = take(), d != "}" { digits.unicodeScalars.append(d) }
            } else {
                for _ in 0..<2 { if let d = take() { digits.unicodeScalars.append(d) } }
            }
            guard let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) else {
                throw LinearRegex.Unsupported(construct: "a bad \\x escape")
            }
            return scalarTree(scalar)
        default:
            guard c.isASCII, !c.properties.isAlphabetic, c.properties.numericType == nil else {
                throw LinearRegex.Unsupported(construct: "the escape \\\(c)")
            }
            return scalarTree(c)
        }
    }

    private func scalarTree(_ scalar: Unicode.Scalar) -> (Unicode.Scalar?, RegexTree?) {
        (scalar, set(scalar))
    }
}

/// Lowers a ``RegexTree`` to ``LinearRegex/Instruction``s, refusing programs over 10,000 instructions.
struct RegexCompiler {
    var program: [LinearRegex.Instruction] = []

    mutating func emit(_ tree: RegexTree) throws(LinearRegex.Unsupported) {
        guard program.count < 10_000 else { throw LinearRegex.Unsupported(construct: "a pattern this large") }
        switch tree {
        case .set(let set): program.append(.scalar(set))
        case .any(let matchesNewline): program.append(.any(matchesNewline: matchesNewline))
        case .assert(let assertion): program.append(.assert(assertion))
        case .sequence(let items):
            for item in items { try emit(item) }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index < branches.count - 1 {
                    let split = program.count
                    program.append(.split(split + 1, 0))
                    try emit(branch)
                    jumps.append(program.count)
                    program.append(.jump(0))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try emit(branch)
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repeated(let inner, let min, let max):
            for _ in 0..<min { try emit(inner) }
            if let max {
                for _ in min..<max {
                    let split = program.count
                    program.append(.split(split + 1, 0))
                    try emit(inner)
                    program[split] = .split(split + 1, program.count)
                }
            } else {
                let split = program.count
                program.append(.split(split + 1, 0))
                try emit(inner)
                program.append(.jump(split))
                program[split] = .split(split + 1, program.count)
            }
        }
    }
}
