/// A span of time with nanosecond precision, within ±315,576,000,000 seconds (about 10,000 years).
public struct DurationValue: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The span in nanoseconds, negative for spans into the past.
    public let nanoseconds: Int128

    static let limit: Int128 = 315_576_000_000 * 1_000_000_000 + 999_999_999

    /// A duration, or a range error beyond ±10,000 years.
    public init(nanoseconds: Int128) throws(EvaluationError) {
        guard nanoseconds >= -DurationValue.limit, nanoseconds <= DurationValue.limit else {
            throw EvaluationError("duration out of range")
        }
        self.nanoseconds = nanoseconds
    }

    public static func < (lhs: DurationValue, rhs: DurationValue) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

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
            guard total <= DurationValue.limit else { throw EvaluationError("duration out of range: '\(text)'") }
        }
        try self.init(nanoseconds: negative ? -total : total)
    }
}
