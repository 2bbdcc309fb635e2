/// A point in time with nanosecond precision, between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public let nanoseconds: Int128

    static let minimum: Int128 = -62_135_596_800 * 1_000_000_000
    static let maximum: Int128 = 253_402_300_799 * 1_000_000_000 + 999_999_999

    /// A timestamp, or a range error outside years 1–9999.
    public init(nanoseconds: Int128) throws(EvaluationError) {
        guard nanoseconds >= Timestamp.minimum, nanoseconds <= Timestamp.maximum else {
            throw EvaluationError("timestamp out of range")
        }
        self.nanoseconds = nanoseconds
    }

    /// Seconds since the epoch, rounded down.
    var seconds: Int64 { Int64(floorDivide(nanoseconds, 1_000_000_000)) }
    var nanosecondOfSecond: Int { Int(nanoseconds - Int128(seconds) * 1_000_000_000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

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

/// A span of time with nanosecond precision, within ±315,576,000,000 seconds (about 10,000 years).
public struct Duration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The span in nanoseconds, negative for spans into the past.
    public let nanoseconds: Int128

    static let limit: Int128 = 315_576_000_000 * 1_000_000_000 + 999_999_999

    /// A duration, or a range error beyond ±10,000 years.
    public init(nanoseconds: Int128) throws(EvaluationError) {
        guard nanoseconds >= -Duration.limit, nanoseconds <= Duration.limit else {
            throw EvaluationError("duration out of range")
        }
        self.nanoseconds = nanoseconds
    }

    public static func < (lhs: Duration, rhs: Duration) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// Seconds, as `1.5s`, `-0.000000001s`, `3600s`.
    public var description: String {
        let magnitude = nanoseconds.magnitude
        let seconds = magnitude / 1_000_000_000
        let nanos = Int(magnitude % 1_000_000_000)
        return (nanoseconds < 0 ? "-" : "") + "\(seconds)" + fraction(nanos) + "s"
    }

    /// Parses a Go-style duration: a sign, then numbers with units `h`, `m`, `s`, `ms`, `us`, `µs`, `ns`
    /// (`1h30m`, `-1.5s`, `100ns`).
    public init(parsing text: String) throws(EvaluationError) {
        var rest = Substring(text)
        var negative = false
        if let sign = rest.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { throw EvaluationError("invalid duration '\(text)'") }
        if rest == "0" {
            try self.init(nanoseconds: 0)
            return
        }
        var total: Int128 = 0
        let units: [(String, Int128)] = [
            ("ns", 1), ("us", 1_000), ("µs", 1_000), ("μs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
            ("m", 60_000_000_000), ("h", 3_600_000_000_000),
        ]
        while !rest.isEmpty {
            let whole = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(whole.count)
            var fractionDigits = Substring("")
            if rest.first == "." {
                rest = rest.dropFirst()
                fractionDigits = rest.prefix { $0.isASCII && $0.isNumber }
                rest = rest.dropFirst(fractionDigits.count)
            }
            guard !whole.isEmpty || !fractionDigits.isEmpty, whole.count <= 20,
                let unit = units.filter({ rest.hasPrefix($0.0) }).max(by: { $0.0.count < $1.0.count })
            else { throw EvaluationError("invalid duration '\(text)'") }
            rest = rest.dropFirst(unit.0.count)
            guard let integer = Int128(whole.isEmpty ? "0" : whole) else {
                throw EvaluationError("invalid duration '\(text)'")
            }
            total += integer * unit.1
            var scale = unit.1
            for digit in fractionDigits.prefix(18) {
                scale /= 10
                total += Int128(digit.wholeNumberValue ?? 0) * scale
            }
            guard total <= Duration.limit else { throw EvaluationError("duration out of range: '\(text)'") }
        }
        try self.init(nanoseconds: negative ? -total : total)
    }
}

/// `.5`, `.123`, `.123456` or `.123456789` for a non-zero nanosecond count (protobuf JSON style); empty for zero.
private func fraction(_ nanos: Int) -> String {
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
