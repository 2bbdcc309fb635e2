/// Parses and prints the duration syntax of configuration and scenario files: a sequence of number–unit pairs
/// such as `250ms`, `1.5s`, `2m`, `1h30m` or `100us`; `0` alone is zero.
///
/// ```swift
/// let timeout = try DurationText.parse("1m30s").get()   // .seconds(90)
/// let text = DurationText.format(.milliseconds(250))    // "250ms"
/// ```
public enum DurationText {
    /// Why a duration could not be parsed.
    ///
    /// ```swift
    /// if case .failure(let problem) = DurationText.parse("5") { print(problem) }  // needs a unit
    /// ```
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// A one-line explanation naming the offending text.
        public var description: String

        package init(description: String) {
            self.description = description
        }
    }

    private static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
        ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// The longest duration a file may name: one hundred years.
    public static let maximum = Duration.seconds(100 * 365 * 86_400)

    /// A number of seconds (as JSON encoders write durations) as a duration, to the nanosecond; `nil` when it
    /// is not finite or longer than ``maximum`` either way, rather than trapping on the conversion.
    package static func duration(seconds: Double) -> Duration? {
        guard seconds.isFinite, abs(seconds) <= maximum.inSeconds else { return nil }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// Parses `text` (surrounding spaces ignored); a leading `-` gives a negative duration.
    public static func parse(_ text: String) -> Result<Duration, ParseError> {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { return .failure(ParseError(description: "an empty duration")) }
        if trimmed == "0" { return .success(.zero) }
        var scalars = Substring(trimmed)
        var isNegative = false
        if scalars.first == "-" {
            isNegative = true
            scalars = scalars.dropFirst()
        }
        var total: Int64 = 0
        var sawComponent = false
        while !scalars.isEmpty {
            let number = scalars.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty else {
                return .failure(ParseError(description: "\"\(trimmed)\" is not a duration such as 250ms, 1.5s or 1h30m"))
            }
            scalars = scalars.dropFirst(number.count)
            let unitText = scalars.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            scalars = scalars.dropFirst(unitText.count)
            guard !unitText.isEmpty else {
                return .failure(ParseError(description: "\"\(trimmed)\" has no unit (write \(trimmed)s or \(trimmed)ms)"))
            }
            guard let unit = units.first(where: { $0.suffix == unitText }) else {
                return .failure(ParseError(
                    description: "\"\(trimmed)\" has an unknown unit \"\(unitText)\" (expected ns, us, ms, s, m or h)"))
            }
            guard let value = nanoseconds(number, unit: unit.nanoseconds) else {
                return .failure(ParseError(description: "\"\(trimmed)\" is not a duration such as 250ms, 1.5s or 1h30m"))
            }
            let (sum, overflow) = total.addingReportingOverflow(value)
            guard !overflow else { return .failure(ParseError(description: "\"\(trimmed)\" is too long")) }
            total = sum
            sawComponent = true
        }
        guard sawComponent else {
            return .failure(ParseError(description: "\"\(trimmed)\" is not a duration such as 250ms, 1.5s or 1h30m"))
        }
        let duration = Duration.nanoseconds(isNegative ? -total : total)
        guard duration <= maximum, duration >= .zero - maximum else {
            return .failure(ParseError(description: "\"\(trimmed)\" is longer than a hundred years"))
        }
        return .success(duration)
    }

    /// The canonical text of `duration`, exact to the nanosecond and parseable by ``parse(_:)``.
    ///
    /// ```swift
    /// assert(DurationText.format(.seconds(5_400)) == "1h30m")
    /// assert(DurationText.format(.microseconds(1_500)) == "1500us")
    /// ```
    public static func format(_ duration: Duration) -> String {
        let nanos = duration.wholeNanoseconds
        if nanos == 0 { return "0s" }
        let sign = nanos < 0 ? "-" : ""
        let magnitude = nanos.magnitude
        if magnitude % 1_000_000_000 == 0 {
            var seconds = magnitude / 1_000_000_000
            var text = ""
            if seconds >= 3_600 {
                text += "\(seconds / 3_600)h"
                seconds %= 3_600
            }
            if seconds >= 60 {
                text += "\(seconds / 60)m"
                seconds %= 60
            }
            if seconds > 0 { text += "\(seconds)s" }
            return sign + text
        }
        if magnitude % 1_000_000 == 0 { return "\(sign)\(magnitude / 1_000_000)ms" }
        if magnitude % 1_000 == 0 { return "\(sign)\(magnitude / 1_000)us" }
        return "\(sign)\(magnitude)ns"
    }

    private static func nanoseconds(_ number: Substring, unit: Int64) -> Int64? {
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first else { return nil }
        guard !whole.isEmpty || parts.count == 2 else { return nil }
        let integer = whole.isEmpty ? 0 : Int64(whole)
        guard let integer else { return nil }
        let (scaled, overflow) = integer.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        guard parts.count == 2 else { return scaled }
        let fraction = parts[1]
        guard !fraction.isEmpty, fraction.count <= 18, let digits = Int64(fraction) else { return nil }
        var denominator: Int64 = 1
        for _ in 0..<fraction.count { denominator *= 10 }
        // digits / denominator * unit, exact for every unit that is a power-of-ten multiple.
        let extra = Double(digits) / Double(denominator) * Double(unit)
        guard extra.isFinite, extra < 1e18 else { return nil }
        let (sum, overflowed) = scaled.addingReportingOverflow(Int64(extra.rounded()))
        return overflowed ? nil : sum
    }
}

extension Duration {
    /// The duration in whole nanoseconds (truncated towards zero), saturating at the `Int64` range.
    package var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflowed) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowed ? (seconds < 0 ? .min : .max) : sum
    }

    /// The duration in seconds, as a `Double`.
    package var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// The duration in milliseconds, as a `Double`.
    package var inMilliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) * 1e-15
    }
}

extension String {
    package var trimmingSpaces: String {
        String(trimmingWhitespace)
    }
}
