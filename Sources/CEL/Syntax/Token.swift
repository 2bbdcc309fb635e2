/// One lexical token of CEL.
enum Token: Sendable, Equatable {
    case identifier(String)
    /// A reserved word that is not an operator or literal (`if`, `let`, `package`, …): valid only as a
    /// field or receiver-function name.
    case reserved(String)
    /// A backtick-quoted field name: `` `content-type` ``.
    case quotedIdentifier(String)
    /// A decimal or hex integer's magnitude; the parser decides whether it fits (a leading `-` allows 2⁶³).
    case int(UInt64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case `true`, `false`, null, `in`
    case punctuation(Punctuation)
    case end

    enum Punctuation: String, Sendable {
        case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
        case leftBrace = "{", rightBrace = "}", dot = ".", comma = ",", colon = ":", question = "?"
        case not = "!", minus = "-", plus = "+", star = "*", slash = "/", percent = "%"
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case equal = "==", notEqual = "!=", and = "&&", or = "||"
    }

    /// Words the grammar reserves: they cannot name variables or global functions.
    static let reservedWords: Set<String> = [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop",
        "package", "namespace", "return", "var", "void", "while",
    ]

    /// How an error message names the token.
    var spelling: String {
        switch self {
        case .identifier(let name), .reserved(let name): name
        case .quotedIdentifier(let name): "`\(name)`"
        case .int(let value): "\(value)"
        case .uint(let value): "\(value)u"
        case .double(let value): "\(value)"
        case .string: "string literal"
        case .bytes: "bytes literal"
        case .true: "true"
        case .false: "false"
        case .null: "null"
        case .in: "in"
        case .punctuation(let mark): "'\(mark.rawValue)'"
        case .end: "end of input"
        }
    }
}
