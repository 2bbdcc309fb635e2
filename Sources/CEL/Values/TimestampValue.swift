/// A point in time with nanosecond precision, between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z.
public struct TimestampValue: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public let nanoseconds: Int128

    static let minimum: Int128 = -62_135_596_800 * 1_000_000_000
    static let maximum: Int128 = 253_402_300_799 * 1_000_000_000 + 999_999_999

    /// A timestamp, or a range error outside years 1–9999.
    public init(nanoseconds: Int128) throws(EvaluationError) {
        guard nanoseconds >= TimestampValue.minimum, nanoseconds <= TimestampValue.maximum else {
            throw EvaluationError("timestamp out of range")
        }
        self.nanoseconds = nanoseconds
    }

    /// Seconds since the epoch, rounded down.
    var seconds: Int64 { Int64(floorDivide(nanoseconds, 1_000_000_000)) }
    var nanosecondOfSecond: Int { Int(nanoseconds - Int128(seconds) * 1_000_000_000) }

    public static func < (lhs: TimestampValue, rhs: TimestampValue) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// RFC 3339 in UTC, with as many fraction digits as needed (0, 3, 6 or 9).
    public var description: String {
        let date = CivilDate(secondsSinceEpoch: seconds)
        var text =
            "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))T"
            + "\(pad(date.hour, 2)):\(pad(date.minute, 2)):\(pad(date.second, 2))"
        text += fraction(nanosecondOfSecond)
        return text + "Z"
    }

    /// Parses RFC 3339: `2009-02-13T23:31:30Z`, `…30.123456789Z`, `…30+01:00`.
    public init(parsing text: String) throws(EvaluationError) {
        let bytes = Array(text.utf8)
        var position = 0
        func number(_ digits: Int) throws(EvaluationError) -> Int {
            guard position + digits <= bytes.count else { throw EvaluationError("invalid timestamp '\(text)'") }
            var value = 0
            for byte in bytes[position..<position + digits] {
                guard isDigit(byte) else { throw EvaluationError("invalid timestamp '\(text)'") }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            position += digits
            return value
        }
        func expect(_ characters: String) throws(EvaluationError) {
            guard position < bytes.count, characters.utf8.contains(bytes[position]) else {
                throw EvaluationError("invalid timestamp '\(text)'")
            }
            position += 1
        }
        let year = try number(4)
        try expect("-")
        let month = try number(2)
        try expect("-")
        let day = try number(2)
        try expect("Tt")
        let hour = try number(2)
        try expect(":")
        let minute = try number(2)
        try expect(":")
        let second = try number(2)
        var nanos = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            var digits = 0
            while position < bytes.count, isDigit(bytes[position]) {
                if digits < 9 { nanos = nanos * 10 + Int(bytes[position] - UInt8(ascii: "0")) }
                digits += 1
                position += 1
            }
            guard digits > 0 else { throw EvaluationError("invalid timestamp '\(text)'") }
            for _ in digits..<max(digits, 9) { nanos *= 10 }
        }
        var offset = 0
        guard position < bytes.count else { throw EvaluationError("invalid timestamp '\(text)'") }
        if bytes[position] == UInt8(ascii: "Z") || bytes[position] == UInt8(ascii: "z") {
            position += 1
        } else {
            let sign = bytes[position] == UInt8(ascii: "-") ? -1 : 1
            try expect("+-")
            let hours = try number(2)
            try expect(":")
            offset = sign * (hours * 3600 + (try number(2)) * 60)
        }
        guard position == bytes.count, (1...12).contains(month),
            (1...CivilDate.days(inMonth: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 60, year >= 1
        else { throw EvaluationError("timestamp out of range or invalid: '\(text)'") }
        let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = Int128(days) * 86_400 + Int128(hour * 3600 + minute * 60 + second - offset)
        try self.init(nanoseconds: seconds * 1_000_000_000 + Int128(nanos))
    }
}

/// `.5`, `.123`, `.123456` or `.123456789` for a non-zero nanosecond count (protobuf JSON style); empty for zero.
func fraction(_ nanos: Int) -> String {
    guard nanos != 0 else { return "" }
    var digits = 9
    var value = nanos
    while digits > 3, value % 1000 == 0 {
        value /= 1000
        digits -= 3
    }
    return "." + pad(value, digits)
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}

func floorDivide(_ a: Int128, _ b: Int128) -> Int128 {
    let quotient = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
}
