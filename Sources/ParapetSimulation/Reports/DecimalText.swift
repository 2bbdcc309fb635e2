import ParapetCore
/// Locale-free, deterministic number formatting for reports: the same value always prints the same bytes.
package enum DecimalText {
    /// `value` rounded half away from zero to `places` decimals, e.g. `fixed(0.98765, places: 3) == "0.988"`.
    package static func fixed(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        guard abs(scaled) < 9e18 else { return "\(value)" }
        let integer = Int64(scaled)
        let sign = integer < 0 ? "-" : ""
        let magnitude = integer.magnitude
        let unit = UInt64(scale)
        guard places > 0 else { return "\(sign)\(magnitude)" }
        let fraction = String(magnitude % unit)
        return "\(sign)\(magnitude / unit)." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    /// A ratio as a percentage with two decimals: `percent(0.98765) == "98.77%"`.
    package static func percent(_ ratio: Double) -> String {
        fixed(ratio * 100, places: 2) + "%"
    }

    /// A latency in milliseconds with three decimals: `milliseconds(.microseconds(12_345)) == "12.345ms"`.
    package static func milliseconds(_ duration: Duration) -> String {
        fixed(duration.inMilliseconds, places: 3) + "ms"
    }

    /// A virtual instant or offset, as seconds with three decimals: `seconds(.milliseconds(1_500)) == "1.500s"`.
    package static func seconds(_ duration: Duration) -> String {
        fixed(duration.inSeconds, places: 3) + "s"
    }

    /// A whole number with its thousands grouped by commas: `grouped(3_600_125) == "3,600,125"`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return (value < 0 ? "-" : "") + text
    }
}
