/// A regular expression in RE2 syntax compiled for a Pike-style NFA simulation: time linear in
/// text length × pattern size, whatever the pattern, so a hostile pattern cannot backtrack forever.
///
/// It covers what rules use: literals and escapes, `.`, classes (`[a-z]`, `[^…]`, `\d \w \s` and their
/// negations), groups (capturing, `(?:…)`, named), alternation, `* + ? {n} {n,} {n,m}` (greedy or lazy —
/// only whether there is a match matters), anchors `^ $ \A \z \b \B`, and the flags `i`, `m`, `s`
/// (`(?i)`, `(?i:…)`). Anything else throws ``Unsupported``, which `matches()` reports as an error.
struct LinearRegex: Sendable {
    struct Unsupported: Error {
        var construct: String
    }

    /// A set of scalars: sorted ranges, possibly negated.
    struct ScalarSet: Sendable {
        var ranges: [ClosedRange<UInt32>]
        var negated = false

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            var found = false
            for range in ranges where range.contains(scalar.value) {
                found = true
                break
            }
            return found != negated
        }

        static let digit = ScalarSet(ranges: [0x30...0x39])
        static let word = ScalarSet(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
        static let space = ScalarSet(ranges: [0x09...0x0A, 0x0C...0x0D, 0x20...0x20])

        /// The same set with the other case of every ASCII letter (and simple mappings of small ranges) added.
        func caseFolded() -> ScalarSet {
            var extra: [ClosedRange<UInt32>] = []
            for range in ranges where range.count <= 256 {
                for value in range {
                    guard let scalar = Unicode.Scalar(value) else { continue }
                    for mapped in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping] {
                        let scalars = mapped.unicodeScalars
                        if scalars.count == 1, let other = scalars.first, other != scalar {
                            extra.append(other.value...other.value)
                        }
                    }
                }
            }
            return ScalarSet(ranges: ranges + extra, negated: negated)
        }
    }

    enum Assertion: Sendable {
        case textStart, textEnd, lineStart, lineEnd, wordBoundary, notWordBoundary
    }

    enum Instruction: Sendable {
        case scalar(ScalarSet)
        case any(matchesNewline: Bool)
        case split(Int, Int)
        case jump(Int)
        case assert(Assertion)
        case match
    }

    let program: [Instruction]
    /// Every scalar a match can begin with, when that is a known set: positions whose scalar is not in it
    /// are skipped without running the machine.
    private let firstScalars: ScalarSet?

    /// Compiles `pattern`, throwing ``Unsupported`` for syntax this engine does not cover (or RE2 refuses).
    init(_ pattern: String) throws(Unsupported) {
        var parser = RegexParser(Array(pattern.unicodeScalars))
        let tree = try parser.parseAll()
        var compiler = RegexCompiler()
        try compiler.emit(tree)
        compiler.program.append(.match)
        program = compiler.program
        firstScalars = LinearRegex.firstScalars(of: compiler.program)
    }

    /// The union of the scalar sets reachable from the start without consuming input (assertions taken as
    /// passing), or nil when a match may begin with any scalar or with none.
    private static func firstScalars(of program: [Instruction]) -> ScalarSet? {
        var ranges: [ClosedRange<UInt32>] = []
        var seen = Set<Int>()
        var stack = [0]
        while let pc = stack.popLast() {
            guard seen.insert(pc).inserted else { continue }
            switch program[pc] {
            case .scalar(let set):
                if set.negated { return nil }
                ranges += set.ranges
            case .any, .match: return nil
            case .jump(let target): stack.append(target)
            case .split(let first, let second): stack += [first, second]
            case .assert: stack.append(pc + 1)
            }
        }
        return ScalarSet(ranges: ranges)
    }

    /// Whether the pattern matches anywhere in `text`: one pass over its scalars, each live thread
    /// stepped once per scalar.
    func search(_ text: String) -> Bool {
        var scalars = text.unicodeScalars.makeIterator()
        var previous: Unicode.Scalar?
        var next = scalars.next()
        var live = ThreadSet(capacity: program.count)
        var arrived: [Int] = []
        while true {
            live.clear()
            for pc in arrived where closure(pc, into: &live, previous: previous, next: next) { return true }
            guard let scalar = next else {
                return closure(0, into: &live, previous: previous, next: next)
            }
            if firstScalars?.contains(scalar) ?? true, closure(0, into: &live, previous: previous, next: next) {
                return true
            }
            arrived.removeAll(keepingCapacity: true)
            for pc in live.members {
                switch program[pc] {
                case .scalar(let set) where set.contains(scalar): arrived.append(pc + 1)
                case .any(let matchesNewline) where matchesNewline || scalar != "\n": arrived.append(pc + 1)
                default: break
                }
            }
            previous = scalar
            next = scalars.next()
        }
    }

    /// Adds `start` and everything reachable from it without consuming input; true on reaching `match`.
    func closure(_ start: Int, into set: inout ThreadSet, previous: Unicode.Scalar?, next: Unicode.Scalar?) -> Bool {
        set.stack.append(start)
        while let pc = set.stack.popLast() {
            guard set.insert(pc) else { continue }
            switch program[pc] {
            case .match:
                set.stack.removeAll(keepingCapacity: true)
                return true
            case .jump(let target): set.stack.append(target)
            case .split(let first, let second):
                set.stack.append(second)
                set.stack.append(first)
            case .assert(let assertion):
                if holds(assertion, previous: previous, next: next) { set.stack.append(pc + 1) }
            case .scalar, .any: break
            }
        }
        return false
    }

    private func holds(_ assertion: Assertion, previous: Unicode.Scalar?, next: Unicode.Scalar?) -> Bool {
        switch assertion {
        case .textStart: return previous == nil
        case .textEnd: return next == nil
        case .lineStart: return previous == nil || previous == "\n"
        case .lineEnd: return next == nil || next == "\n"
        case .wordBoundary, .notWordBoundary:
            let before = previous.map(ScalarSet.word.contains) ?? false
            let after = next.map(ScalarSet.word.contains) ?? false
            return (before != after) == (assertion == .wordBoundary)
        }
    }
}

/// The set of program counters alive at one text position, with O(1) membership.
struct ThreadSet {
    private var sparse: [Int]
    private(set) var members: [Int] = []
    /// Scratch space for ``LinearRegex/closure(_:into:previous:next:)``, kept to avoid an allocation per step.
    var stack: [Int] = []

    init(capacity: Int) {
        sparse = Array(repeating: -1, count: capacity)
        members.reserveCapacity(capacity)
        stack.reserveCapacity(capacity)
    }

    mutating func insert(_ pc: Int) -> Bool {
        let slot = sparse[pc]
        if slot >= 0, slot < members.count, members[slot] == pc { return false }
        sparse[pc] = members.count
        members.append(pc)
        return true
    }

    mutating func clear() {
        members.removeAll(keepingCapacity: true)
    }
}
