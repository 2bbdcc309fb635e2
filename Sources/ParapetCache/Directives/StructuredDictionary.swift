/// A Structured Field Dictionary (RFC 8941 §3.2), parsed strictly: the form targeted cache-control fields
/// such as `CDN-Cache-Control` take (RFC 9213). Any syntax error makes the whole field invalid, and the
/// cache then ignores it.
///
/// ```swift
/// StructuredDictionary(lines: ["max-age=60, private"])?.members
/// // [("max-age", .integer(60)), ("private", .boolean(true))]
/// StructuredDictionary(lines: ["max-age=60, &&"])   // nil
/// ```
struct StructuredDictionary: Equatable {
    /// A member's value, without its parameters (which no cache directive uses).
    enum Item: Equatable {
        case integer(Int64)
        case decimal
        case string(String)
        case token(String)
        case binary
        case boolean(Bool)
        case innerList
    }

    /// The members in order; a repeated key keeps its last value in its first position.
    private(set) var members: [(key: String, value: Item)] = []

    static func == (lhs: StructuredDictionary, rhs: StructuredDictionary) -> Bool {
        lhs.members.elementsEqual(rhs.members) { $0.key == $1.key && $0.value == $1.value }
    }

    /// The dictionary the field `lines` hold together, or `nil` when they are not one.
    init?(lines: [String]) {
        var parser = Parser(Array(lines.joined(separator: ",").utf8))
        var positions: [String: Int] = [:]
        parser.skip(while: Parser.isSpace)
        while !parser.isAtEnd {
            guard let key = parser.key() else { return nil }
            let value: Item
            if parser.consume(UInt8(ascii: "=")) {
                guard let item = parser.memberValue() else { return nil }
                value = item
            } else {
                value = .boolean(true)
            }
            guard parser.parameters() else { return nil }
            if let index = positions[key] {
                members[index].value = value
            } else {
                positions[key] = members.count
                members.append((key, value))
            }
            parser.skip(while: Parser.isOptionalWhitespace)
            if parser.isAtEnd { break }
            guard parser.consume(UInt8(ascii: ",")) else { return nil }
            parser.skip(while: Parser.isOptionalWhitespace)
            if parser.isAtEnd { return nil }
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) {
            var end = bytes.count
            while end > 0, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
            self.bytes = Array(bytes[..<end])
        }

        var isAtEnd: Bool { index == bytes.count }
        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard current == byte else { return false }
            index += 1
            return true
        }

        mutating func skip(while predicate: (UInt8) -> Bool) {
            while let byte = current, predicate(byte) { index += 1 }
        }

        mutating func key() -> String? {
            guard let first = current, Self.isLowercase(first) || first == UInt8(ascii: "*") else { return nil }
            let start = index
            skip { Self.isLowercase($0) || Self.isDigit($0) || "_-.*".utf8.contains($0) }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func memberValue() -> Item? {
            guard current == UInt8(ascii: "(") else { return bareItem() }
            index += 1
            while true {
                skip(while: Self.isSpace)
                if consume(UInt8(ascii: ")")) { return .innerList }
                guard bareItem() != nil, parameters() else { return nil }
                guard current == UInt8(ascii: " ") || current == UInt8(ascii: ")") else { return nil }
            }
        }

        mutating func parameters() -> Bool {
            while consume(UInt8(ascii: ";")) {
                skip(while: Self.isSpace)
                guard key() != nil else { return false }
                if consume(UInt8(ascii: "=")), bareItem() == nil { return false }
            }
            return true
        }

        mutating func bareItem() -> Item? {
            guard let first = current else { return nil }
            switch first {
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: ":"): return binary()
            case UInt8(ascii: "?"): return boolean()
            case UInt8(ascii: "*"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                let start = index
                index += 1
                skip { ListScanner.isTokenByte($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") }
                return .token(String(decoding: bytes[start..<index], as: UTF8.self))
            default: return nil
            }
        }

        private mutating func number() -> Item? {
            let negative = consume(UInt8(ascii: "-"))
            let start = index
            skip(while: Self.isDigit)
            let integerDigits = index - start
            guard integerDigits > 0 else { return nil }
            guard consume(UInt8(ascii: ".")) else {
                guard integerDigits <= 15, let value = Int64(String(decoding: bytes[start..<index], as: UTF8.self))
                else { return nil }
                return .integer(negative ? -value : value)
            }
            let fractionStart = index
            skip(while: Self.isDigit)
            guard integerDigits <= 12, (1...3).contains(index - fractionStart) else { return nil }
            return .decimal
        }

        private mutating func string() -> Item? {
            index += 1
            var value: [UInt8] = []
            while let byte = current {
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return .string(String(decoding: value, as: UTF8.self))
                case UInt8(ascii: "\\"):
                    guard let escaped = current, escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "\\")
                    else { return nil }
                    value.append(escaped)
                    index += 1
                case 0x20...0x7E:
                    value.append(byte)
                default:
                    return nil
                }
            }
            return nil
        }

        private mutating func binary() -> Item? {
            index += 1
            skip { Self.isDigit($0) || Self.isLowercase($0) || (0x41...0x5A).contains($0) || "+/=".utf8.contains($0) }
            return consume(UInt8(ascii: ":")) ? .binary : nil
        }

        private mutating func boolean() -> Item? {
            index += 1
            if consume(UInt8(ascii: "1")) { return .boolean(true) }
            if consume(UInt8(ascii: "0")) { return .boolean(false) }
            return nil
        }

        static func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") }
        static func isOptionalWhitespace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        static func isLowercase(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    }
}
