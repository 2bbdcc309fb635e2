extension Lexer {
    /// A quoted literal starting at the opening quote: its content as UTF-8 (strings) or raw bytes
    /// (`bytes`, where `\x`/octal escapes are bytes rather than code points and `\u` is refused).
    mutating func stringLiteral(raw: Bool, bytes: Bool) throws(SyntaxError) -> [UInt8] {
        let start = position
        let quote = source[position]
        let triple = peek(1) == quote && peek(2) == quote
        position += triple ? 3 : 1
        var output: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("unterminated string literal", at: start) }
            if byte == quote && (!triple || (peek(1) == quote && peek(2) == quote)) {
                position += triple ? 3 : 1
                return output
            }
            if !triple && (byte == 0x0A || byte == 0x0D) {
                throw error("newline in a single-quoted string literal", at: position)
            }
            if byte == UInt8(ascii: "\\") && !raw {
                try escape(into: &output, bytes: bytes)
            } else {
                output.append(byte)
                position += 1
            }
        }
    }

    private mutating func escape(into output: inout [UInt8], bytes: Bool) throws(SyntaxError) {
        let start = position
        position += 1
        guard let kind = peek() else { throw error("unterminated escape sequence", at: start) }
        position += 1
        let simple: UInt8? =
            switch kind {
            case UInt8(ascii: "a"): 0x07
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            case UInt8(ascii: "v"): 0x0B
            case UInt8(ascii: "\\"), UInt8(ascii: "?"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"): kind
            default: nil
            }
        if let simple {
            output.append(simple)
            return
        }
        switch kind {
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            let value = try hexDigits(2, escapeAt: start)
            appendUnit(value, to: &output, bytes: bytes)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            if bytes { throw error("\\u escapes are not allowed in bytes literals", at: start) }
            let value = try hexDigits(kind == UInt8(ascii: "u") ? 4 : 8, escapeAt: start)
            guard let scalar = Unicode.Scalar(value) else {
                throw error("escape \\\(Character(Unicode.Scalar(kind))) is not a valid code point", at: start)
            }
            output.append(contentsOf: Array(String(scalar).utf8))
        case UInt8(ascii: "0")...UInt8(ascii: "3"):
            var value = UInt32(kind - UInt8(ascii: "0"))
            for _ in 0..<2 {
                guard let digit = peek(), digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else {
                    throw error("octal escape needs three digits", at: start)
                }
                value = value * 8 + UInt32(digit - UInt8(ascii: "0"))
                position += 1
            }
            appendUnit(value, to: &output, bytes: bytes)
        default:
            throw error("invalid escape sequence", at: start)
        }
    }

    /// A `\x`/octal value: one byte in a bytes literal, the code point U+00XX in a string.
    private func appendUnit(_ value: UInt32, to output: inout [UInt8], bytes: Bool) {
        if bytes {
            output.append(UInt8(value))
        } else {
            output.append(contentsOf: Array(String(Unicode.Scalar(UInt8(value))).utf8))
        }
    }

    private mutating func hexDigits(_ count: Int, escapeAt start: Int) throws(SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let byte = peek(), let digit = hexValue(byte) else {
                throw error("escape needs \(count) hex digits", at: start)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// An int, uint or double literal.
    mutating func number() throws(SyntaxError) -> Token {
        let start = position
        if peek() == UInt8(ascii: "0"), let x = peek(1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            position += 2
            var value: UInt64 = 0
            var digits = 0
            while let byte = peek(), let digit = hexValue(byte) {
                let (shifted, overflow) = value.multipliedReportingOverflow(by: 16)
                guard !overflow else { throw error("integer literal out of range", at: start) }
                value = shifted | UInt64(digit)
                digits += 1
                position += 1
            }
            guard digits > 0 else { throw error("hex literal needs digits", at: start) }
            return try integerSuffix(value, start: start)
        }
        while let byte = peek(), isDigit(byte) { position += 1 }
        var isDouble = false
        if peek() == UInt8(ascii: "."), peek(1).map(isDigit) == true {
            isDouble = true
            position += 1
            while let byte = peek(), isDigit(byte) { position += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var ahead = 1
            if let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { ahead = 2 }
            if peek(ahead).map(isDigit) == true {
                isDouble = true
                position += ahead
                while let byte = peek(), isDigit(byte) { position += 1 }
            }
        }
        let text = String(decoding: source[start..<position], as: UTF8.self)
        if isDouble {
            guard let value = Double(text) else { throw error("invalid double literal", at: start) }
            return .double(value)
        }
        guard let value = UInt64(text) else { throw error("integer literal out of range", at: start) }
        return try integerSuffix(value, start: start)
    }

    private mutating func integerSuffix(_ value: UInt64, start: Int) throws(SyntaxError) -> Token {
        if let suffix = peek(), suffix == UInt8(ascii: "u") || suffix == UInt8(ascii: "U") {
            position += 1
            return .uint(value)
        }
        return .int(value)
    }
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
