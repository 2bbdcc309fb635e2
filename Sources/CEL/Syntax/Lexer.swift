/// Splits UTF-8 source into ``Token``s, decoding every literal (escapes, raw and triple-quoted strings,
/// bytes, hex and unsigned integers, doubles) and reporting the byte offset of anything malformed.
struct Lexer {
    let source: [UInt8]
    var position = 0

    init(_ source: [UInt8]) {
        self.source = source
    }

    func peek(_ ahead: Int = 0) -> UInt8? {
        let index = position + ahead
        return index < source.count ? source[index] : nil
    }

    func error(_ message: String, at offset: Int) -> SyntaxError {
        SyntaxError(message: message, offset: offset, location: SourceLocation(offset: offset, in: source))
    }

    /// Skips whitespace and `//` comments.
    private mutating func skipTrivia() {
        while let byte = peek() {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                position += 1
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                while let byte = peek(), byte != 0x0A { position += 1 }
            default:
                return
            }
        }
    }

    /// The next token and the offset it starts at.
    mutating func next() throws(SyntaxError) -> (token: Token, offset: Int) {
        skipTrivia()
        let start = position
        guard let byte = peek() else { return (.end, start) }
        if isDigit(byte) || (byte == UInt8(ascii: ".") && peek(1).map(isDigit) == true) {
            return (try number(), start)
        }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            return (.string(String(decoding: try stringLiteral(raw: false, bytes: false), as: UTF8.self)), start)
        }
        if isIdentifierStart(byte) {
            if let literal = try prefixedLiteral() { return (literal, start) }
            while let byte = peek(), isIdentifierStart(byte) || isDigit(byte) { position += 1 }
            let word = String(decoding: source[start..<position], as: UTF8.self)
            switch word {
            case "true": return (.true, start)
            case "false": return (.false, start)
            case "null": return (.null, start)
            case "in": return (.in, start)
            default: return (Token.reservedWords.contains(word) ? .reserved(word) : .identifier(word), start)
            }
        }
        if byte == UInt8(ascii: "`") { return (try quotedIdentifier(), start) }
        return (.punctuation(try punctuation()), start)
    }

    private mutating func punctuation() throws(SyntaxError) -> Token.Punctuation {
        let start = position
        let first = source[position]
        let second = peek(1)
        position += 1
        func pair(_ expected: Character, _ two: Token.Punctuation, else one: Token.Punctuation?) -> Token.Punctuation? {
            if second == UInt8(ascii: expected.unicodeScalars.first!) {
                position += 1
                return two
            }
            return one
        }
        let mark: Token.Punctuation? =
            switch first {
            case UInt8(ascii: "("): .leftParen
            case UInt8(ascii: ")"): .rightParen
            case UInt8(ascii: "["): .leftBracket
            case UInt8(ascii: "]"): .rightBracket
            case UInt8(ascii: "{"): .leftBrace
            case UInt8(ascii: "}"): .rightBrace
            case UInt8(ascii: "."): .dot
            case UInt8(ascii: ","): .comma
            case UInt8(ascii: ":"): .colon
            case UInt8(ascii: "?"): .question
            case UInt8(ascii: "+"): .plus
            case UInt8(ascii: "-"): .minus
            case UInt8(ascii: "*"): .star
            case UInt8(ascii: "/"): .slash
            case UInt8(ascii: "%"): .percent
            case UInt8(ascii: "!"): pair("=", .notEqual, else: .not)
            case UInt8(ascii: "<"): pair("=", .lessOrEqual, else: .less)
            case UInt8(ascii: ">"): pair("=", .greaterOrEqual, else: .greater)
            case UInt8(ascii: "="): pair("=", .equal, else: nil)
            case UInt8(ascii: "&"): pair("&", .and, else: nil)
            case UInt8(ascii: "|"): pair("|", .or, else: nil)
            default: nil
            }
        guard let mark else {
            var scalars = String(decoding: source[start..<min(start + 4, source.count)], as: UTF8.self)
                .unicodeScalars.makeIterator()
            let shown = scalars.next().map { String($0) } ?? "?"
            throw error("unexpected character '\(shown)'", at: start)
        }
        return mark
    }

    private mutating func quotedIdentifier() throws(SyntaxError) -> Token {
        let start = position
        position += 1
        let contentStart = position
        while let byte = peek(), byte != UInt8(ascii: "`") {
            guard isIdentifierStart(byte) || isDigit(byte) || "./-~ ".utf8.contains(byte) else {
                throw error("character not allowed in a quoted field name", at: position)
            }
            position += 1
        }
        guard peek() == UInt8(ascii: "`"), position > contentStart else {
            throw error("unterminated or empty quoted field name", at: start)
        }
        let name = String(decoding: source[contentStart..<position], as: UTF8.self)
        position += 1
        return .quotedIdentifier(name)
    }

    /// `r'…'`, `b"…"`, `br'''…'''` and the other prefixed literals; nil (and no input consumed) when the
    /// identifier at hand is not a literal prefix.
    private mutating func prefixedLiteral() throws(SyntaxError) -> Token? {
        var raw = false
        var bytes = false
        var length = 0
        while length < 2, let byte = peek(length) {
            if (byte == UInt8(ascii: "r") || byte == UInt8(ascii: "R")) && !raw {
                raw = true
            } else if (byte == UInt8(ascii: "b") || byte == UInt8(ascii: "B")) && !bytes {
                bytes = true
            } else {
                break
            }
            length += 1
        }
        guard length > 0, let quote = peek(length), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
            return nil
        }
        position += length
        let decoded = try stringLiteral(raw: raw, bytes: bytes)
        return bytes ? .bytes(decoded) : .string(String(decoding: decoded, as: UTF8.self))
    }
}

func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
        || byte == UInt8(ascii: "_")
}
