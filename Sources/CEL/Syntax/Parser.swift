/// Limits and switches for ``Parser``.
public struct ParserOptions: Sendable, Hashable {
    /// The deepest nesting accepted: parentheses, calls, operands of chained operators, member
    /// selections. It bounds the recursion of every later pass (planner, checker, evaluator).
    public var maxDepth: Int
    /// The longest source accepted, in UTF-8 bytes.
    public var maxSourceLength: Int
    /// Whether `has`, `all`, `exists`, `exists_one`, `map`, `filter`, `transformList` and `transformMap`
    /// expand as macros; when off they are ordinary (and usually unknown) functions.
    public var macros: Bool

    /// Creates options; the defaults accept any expression a person would write.
    public init(maxDepth: Int = 200, maxSourceLength: Int = 100_000, macros: Bool = true) {
        self.maxDepth = maxDepth
        self.maxSourceLength = maxSourceLength
        self.macros = macros
    }
}

/// Parses CEL source into an ``Expr``: recursive descent over the grammar of the CEL language
/// definition, with every error naming its line and column.
///
/// ```swift
/// let expr = try Parser.parse("request.path.startsWith('/admin') && !(request.remote_ip in allowed)")
/// ```
public struct Parser {
    private var lexer: Lexer
    private var token: Token = .end
    private var offset = 0
    private var depth = 0
    private let options: ParserOptions

    /// Parses `source`, throwing a ``SyntaxError`` that names what is wrong and where.
    public static func parse(_ source: String, options: ParserOptions = ParserOptions()) throws(SyntaxError) -> Expr {
        let bytes = Array(source.utf8)
        var parser = Parser(lexer: Lexer(bytes), options: options)
        guard bytes.count <= options.maxSourceLength else {
            throw parser.lexer.error(
                "expression is \(bytes.count) bytes, over the limit of \(options.maxSourceLength)", at: 0)
        }
        try parser.advance()
        let expr = try parser.expression()
        guard parser.token == .end else { throw parser.unexpected("end of input") }
        return expr
    }

    private init(lexer: Lexer, options: ParserOptions) {
        self.lexer = lexer
        self.options = options
    }

    private mutating func advance() throws(SyntaxError) {
        (token, offset) = try lexer.next()
    }

    private func unexpected(_ expected: String) -> SyntaxError {
        lexer.error("expected \(expected), found \(token.spelling)", at: offset)
    }

    private func error(_ message: String, at offset: Int) -> SyntaxError {
        lexer.error(message, at: offset)
    }

    private mutating func expect(_ mark: Token.Punctuation) throws(SyntaxError) {
        guard token == .punctuation(mark) else { throw unexpected("'\(mark.rawValue)'") }
        try advance()
    }

    private mutating func accept(_ mark: Token.Punctuation) throws(SyntaxError) -> Bool {
        guard token == .punctuation(mark) else { return false }
        try advance()
        return true
    }

    /// Counts one level of nesting, refusing to go deeper than ``ParserOptions/maxDepth``.
    private mutating func enter() throws(SyntaxError) {
        depth += 1
        if depth > options.maxDepth {
            throw error("expression nests deeper than \(options.maxDepth) levels", at: offset)
        }
    }

    // MARK: - Operators, lowest precedence first

    mutating func expression() throws(SyntaxError) -> Expr {
        try enter()
        defer { depth -= 1 }
        let condition = try logicalOr()
        guard token == .punctuation(.question) else { return condition }
        try advance()
        let then = try logicalOr()
        try expect(.colon)
        let otherwise = try expression()
        return Expr(.conditional(condition, then, otherwise), at: condition.offset)
    }

    private mutating func logicalOr() throws(SyntaxError) -> Expr {
        try chain({ (parser) throws(SyntaxError) in try parser.logicalAnd() }) { token in
            token == .punctuation(.or) ? { .or($0, $1) } : nil
        }
    }

    private mutating func logicalAnd() throws(SyntaxError) -> Expr {
        try chain({ (parser) throws(SyntaxError) in try parser.relation() }) { token in
            token == .punctuation(.and) ? { .and($0, $1) } : nil
        }
    }

    private mutating func relation() throws(SyntaxError) -> Expr {
        try chain({ (parser) throws(SyntaxError) in try parser.addition() }) { token in
            switch token {
            case .punctuation(.less): Expr.Kind.binary(.less)
            case .punctuation(.lessOrEqual): Expr.Kind.binary(.lessOrEqual)
            case .punctuation(.greater): Expr.Kind.binary(.greater)
            case .punctuation(.greaterOrEqual): Expr.Kind.binary(.greaterOrEqual)
            case .punctuation(.equal): Expr.Kind.binary(.equal)
            case .punctuation(.notEqual): Expr.Kind.binary(.notEqual)
            case .in: Expr.Kind.binary(.in)
            default: nil
            }
        }
    }

    private mutating func addition() throws(SyntaxError) -> Expr {
        try chain({ (parser) throws(SyntaxError) in try parser.multiplication() }) { token in
            switch token {
            case .punctuation(.plus): Expr.Kind.binary(.add)
            case .punctuation(.minus): Expr.Kind.binary(.subtract)
            default: nil
            }
        }
    }

    private mutating func multiplication() throws(SyntaxError) -> Expr {
        try chain({ (parser) throws(SyntaxError) in try parser.unary() }) { token in
            switch token {
            case .punctuation(.star): Expr.Kind.binary(.multiply)
            case .punctuation(.slash): Expr.Kind.binary(.divide)
            case .punctuation(.percent): Expr.Kind.binary(.modulo)
            default: nil
            }
        }
    }

    /// One precedence level of left-associative operators: operands from `operand`, joined while `join`
    /// recognises the token between them. Each operator counts one level of depth, since the tree it
    /// builds nests to the left.
    private mutating func chain(
        _ operand: (inout Parser) throws(SyntaxError) -> Expr,
        join: (Token) -> ((Expr, Expr) -> Expr.Kind)?
    ) throws(SyntaxError) -> Expr {
        let saved = depth
        defer { depth = saved }
        var left = try operand(&self)
        while let combine = join(token) {
            try advance()
            try enter()
            left = Expr(combine(left, try operand(&self)), at: left.offset)
        }
        return left
    }

    /// `!`… and `-`… prefixes. A `-` directly before an integer literal belongs to the literal, so
    /// `-9223372036854775808` is the smallest int rather than an overflow.
    private mutating func unary() throws(SyntaxError) -> Expr {
        let saved = depth
        defer { depth = saved }
        var prefixes: [(UnaryOperator, Int)] = []
        while true {
            if token == .punctuation(.not) {
                prefixes.append((.not, offset))
            } else if token == .punctuation(.minus) {
                prefixes.append((.negate, offset))
            } else {
                break
            }
            try enter()
            try advance()
        }
        var operand: Expr
        if let (last, lastOffset) = prefixes.last, last == .negate, case .int(let magnitude) = token {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw error("integer literal out of range", at: offset) }
            try advance()
            prefixes.removeLast()
            operand = try member(Expr(.literal(.int(Int64(truncatingIfNeeded: 0 &- magnitude))), at: lastOffset))
        } else {
            operand = try member(try primary())
        }
        for (op, at) in prefixes.reversed() {
            operand = Expr(.unary(op, operand), at: at)
        }
        return operand
    }

    // MARK: - Members and primaries

    private mutating func member(_ base: Expr) throws(SyntaxError) -> Expr {
        let saved = depth
        defer { depth = saved }
        var expr = base
        while true {
            switch token {
            case .punctuation(.dot):
                try enter()
                try advance()
                let nameOffset = offset
                let name: String
                var quoted = false
                switch token {
                case .identifier(let word), .reserved(let word): name = word
                case .quotedIdentifier(let word):
                    name = word
                    quoted = true
                default: throw unexpected("a field or method name after '.'")
                }
                try advance()
                if !quoted, token == .punctuation(.leftParen) {
                    try advance()
                    let arguments = try expressionList(closing: .rightParen)
                    expr = try call(name, target: expr, arguments: arguments, at: nameOffset)
                } else if !quoted, token == .punctuation(.leftBrace), let typeName = qualifiedName(expr) {
                    expr = try message(typeName + "." + name, at: expr.offset)
                } else {
                    expr = Expr(.select(expr, field: name), at: nameOffset)
                }
            case .punctuation(.leftBracket):
                try enter()
                let at = offset
                try advance()
                let index = try expression()
                try expect(.rightBracket)
                expr = Expr(.index(expr, index), at: at)
            default:
                return expr
            }
        }
    }

    private mutating func primary() throws(SyntaxError) -> Expr {
        let start = offset
        if let literal = token.literal {
            try advance()
            return Expr(.literal(literal), at: start)
        }
        switch token {
        case .int(let magnitude):
            guard magnitude <= UInt64(Int64.max) else { throw error("integer literal out of range", at: start) }
            try advance()
            return Expr(.literal(.int(Int64(magnitude))), at: start)
        case .punctuation(.dot):
            try advance()
            guard case .identifier(let name) = token else { throw unexpected("an identifier after a leading '.'") }
            try advance()
            return try identifierOrCall(name, isAbsolute: true, at: start)
        case .identifier(let name):
            try advance()
            return try identifierOrCall(name, isAbsolute: false, at: start)
        case .reserved(let word):
            throw error("'\(word)' is a reserved word and cannot name a variable or function", at: start)
        case .punctuation(.leftParen):
            try advance()
            let inner = try expression()
            try expect(.rightParen)
            return inner
        case .punctuation(.leftBracket):
            try advance()
            return Expr(.list(try expressionList(closing: .rightBracket)), at: start)
        case .punctuation(.leftBrace):
            try enter()
            defer { depth -= 1 }
            try advance()
            var entries: [Expr.MapEntry] = []
            while token != .punctuation(.rightBrace) {
                let key = try expression()
                try expect(.colon)
                entries.append(Expr.MapEntry(key: key, value: try expression()))
                if !(try accept(.comma)) { break }
            }
            try expect(.rightBrace)
            return Expr(.map(entries), at: start)
        default:
            throw unexpected("an expression")
        }
    }

    private mutating func identifierOrCall(_ name: String, isAbsolute: Bool, at start: Int) throws(SyntaxError) -> Expr
    {
        if token == .punctuation(.leftParen) {
            try advance()
            let arguments = try expressionList(closing: .rightParen)
            return try call(isAbsolute ? "." + name : name, target: nil, arguments: arguments, at: start)
        }
        let identifier = Expr(.identifier(name, isAbsolute: isAbsolute), at: start)
        if token == .punctuation(.leftBrace) {
            return try message((isAbsolute ? "." : "") + name, at: start)
        }
        return identifier
    }

    /// Comma-separated expressions up to `closing` (consumed), allowing one trailing comma.
    private mutating func expressionList(closing: Token.Punctuation) throws(SyntaxError) -> [Expr] {
        try enter()
        defer { depth -= 1 }
        var items: [Expr] = []
        while token != .punctuation(closing) {
            items.append(try expression())
            if !(try accept(.comma)) { break }
        }
        try expect(closing)
        return items
    }

    /// `Type{field: value, …}` after its type name.
    private mutating func message(_ typeName: String, at start: Int) throws(SyntaxError) -> Expr {
        try enter()
        defer { depth -= 1 }
        try expect(.leftBrace)
        var fields: [Expr.FieldEntry] = []
        while token != .punctuation(.rightBrace) {
            let field: String
            switch token {
            case .identifier(let word), .reserved(let word), .quotedIdentifier(let word): field = word
            default: throw unexpected("a field name")
            }
            try advance()
            try expect(.colon)
            fields.append(Expr.FieldEntry(field: field, value: try expression()))
            if !(try accept(.comma)) { break }
        }
        try expect(.rightBrace)
        return Expr(.message(typeName: typeName, fields: fields), at: start)
    }

    /// The dotted name an expression spells when it is only identifiers and selections (`a.b.c`).
    private func qualifiedName(_ expr: Expr) -> String? {
        switch expr.kind {
        case .identifier(let name, let isAbsolute): (isAbsolute ? "." : "") + name
        case .select(let operand, let field): qualifiedName(operand).map { $0 + "." + field }
        default: nil
        }
    }

    private func call(_ function: String, target: Expr?, arguments: [Expr], at start: Int) throws(SyntaxError) -> Expr {
        if options.macros {
            do {
                if let expanded = try Macros.expand(function, target: target, arguments: arguments, at: start) {
                    return expanded
                }
            } catch {
                throw self.error(error.message, at: error.offset)
            }
        }
        return Expr(.call(function: function, target: target, arguments: arguments), at: start)
    }
}

extension Token {
    /// The literal a token spells by itself (ints wait for a possible leading `-`).
    fileprivate var literal: Expr.Literal? {
        switch self {
        case .null: .null
        case .true: .bool(true)
        case .false: .bool(false)
        case .uint(let value): .uint(value)
        case .double(let value): .double(value)
        case .string(let value): .string(value)
        case .bytes(let value): .bytes(value)
        default: nil
        }
    }
}
