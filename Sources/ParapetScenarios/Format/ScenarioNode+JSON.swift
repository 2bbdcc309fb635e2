import ParapetSimulation
extension ScenarioNode {
    /// Parses JSON text into a node tree with positions; `nil` for text holding only whitespace.
    static func parseJSON(_ text: String, file: String) throws(ScenarioError) -> ScenarioNode? {
        var parser = JSONNodeParser(bytes: Array(text.utf8), file: file)
        return try parser.parseDocument()
    }
}

/// A small recursive-descent JSON parser that remembers where every value and key starts.
private struct JSONNodeParser {
    let bytes: [UInt8]
    let file: String
    var offset = 0
    var line = 1
    var column = 1
    var depth = 0

    static let maximumDepth = 200

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    mutating func parseDocument() throws(ScenarioError) -> ScenarioNode? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
        skipWhitespace()
        guard offset < bytes.count else { return nil }
        let root = try parseValue(path: [])
        skipWhitespace()
        guard offset == bytes.count else { throw failure("unexpected text after the end of the document") }
        return root
    }

    private var here: SourcePosition { SourcePosition(line: line, column: column) }

    private func failure(_ problem: String) -> ScenarioError {
        ScenarioError(file: file, line: line, column: column, field: "", kind: .syntax, message: "not valid JSON: \(problem)")
    }

    private mutating func advance() {
        let byte = bytes[offset]
        offset += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): advance()
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(ScenarioError) {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == byte else {
            throw failure(offset < bytes.count ? "expected \(what)" : "unexpected end of file, expected \(what)")
        }
        advance()
    }

    private mutating func parseValue(path: ScenarioPath) throws(ScenarioError) -> ScenarioNode {
        skipWhitespace()
        guard offset < bytes.count else { throw failure("unexpected end of file, expected a value") }
        let start = here
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            return try parseObject(path: path, start: start)
        case UInt8(ascii: "["):
            return try parseArray(path: path, start: start)
        case UInt8(ascii: "\""):
            return .scalar(try parseString(), start, isPlain: false)
        default:
            let literal = scanLiteral()
            guard !literal.isEmpty else { throw failure("expected a value") }
            if literal == "true" || literal == "false" || literal == "null" || Double(literal) != nil {
                return .scalar(literal, start, isPlain: true)
            }
            throw ScenarioError(
                file: file, line: start.line, column: start.column, field: "", kind: .syntax,
                message: "not valid JSON: unexpected \"\(literal)\"")
        }
    }

    private mutating func scanLiteral() -> String {
        var scanned: [UInt8] = []
        while offset < bytes.count {
            let byte = bytes[offset]
            let isLiteralByte =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "E")
            guard isLiteralByte, scanned.count < 64 else { break }
            scanned.append(byte)
            advance()
        }
        return String(decoding: scanned, as: UTF8.self)
    }

    private mutating func enter() throws(ScenarioError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nested more than \(Self.maximumDepth) levels deep") }
    }

    private mutating func parseObject(path: ScenarioPath, start: SourcePosition) throws(ScenarioError) -> ScenarioNode {
        try enter()
        defer { depth -= 1 }
        advance()  // {
        var entries: [ScenarioNode.Entry] = []
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
            advance()
            return .mapping(entries, start)
        }
        while true {
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                throw failure(offset < bytes.count ? "expected a quoted field name" : "unexpected end of file")
            }
            let keyPosition = here
            let key = try parseString()
            if entries.contains(where: { $0.key == key }) {
                throw ScenarioError(
                    file: file, line: keyPosition.line, column: keyPosition.column,
                    field: path.appending(key).description, kind: .duplicate,
                    message: "duplicate field \"\(key)\" in \(path.containerName)")
            }
            try expect(UInt8(ascii: ":"), "':' after a field name")
            let value = try parseValue(path: path.appending(key))
            entries.append(ScenarioNode.Entry(key: key, keyPosition: keyPosition, value: value))
            skipWhitespace()
            guard offset < bytes.count else { throw failure("unexpected end of file, expected ',' or '}'") }
            if bytes[offset] == UInt8(ascii: ",") {
                advance()
                continue
            }
            if bytes[offset] == UInt8(ascii: "}") {
                advance()
                return .mapping(entries, start)
            }
            throw failure("expected ',' or '}'")
        }
    }

    private mutating func parseArray(path: ScenarioPath, start: SourcePosition) throws(ScenarioError) -> ScenarioNode {
        try enter()
        defer { depth -= 1 }
        advance()  // [
        var items: [ScenarioNode] = []
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
            advance()
            return .sequence(items, start)
        }
        while true {
            items.append(try parseValue(path: path.appending(index: items.count)))
            skipWhitespace()
            guard offset < bytes.count else { throw failure("unexpected end of file, expected ',' or ']'") }
            if bytes[offset] == UInt8(ascii: ",") {
                advance()
                continue
            }
            if bytes[offset] == UInt8(ascii: "]") {
                advance()
                return .sequence(items, start)
            }
            throw failure("expected ',' or ']'")
        }
    }

    private mutating func parseString() throws(ScenarioError) -> String {
        advance()  // opening quote
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() {
            if !raw.isEmpty {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll()
            }
        }
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                advance()
                guard offset < bytes.count else { break }
                let escape = bytes[offset]
                advance()
                flush()
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var value: UInt32 = 0
                    for _ in 0..<4 {
                        guard offset < bytes.count, let digit = Self.hexValue(bytes[offset]) else {
                            throw failure("malformed \\u escape")
                        }
                        value = value * 16 + digit
                        advance()
                    }
                    scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                default:
                    throw failure("unknown escape \\\(Character(Unicode.Scalar(escape)))")
                }
            case 0..<0x20:
                throw failure("control character in a string")
            default:
                raw.append(byte)
                advance()
            }
        }
        throw failure("unterminated string")
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
