import ParapetSimulation
/// Text and markup helpers for the HTML report: escaping, fixed-precision SVG coordinates, nice axis steps
/// and a small SVG path builder. Everything is locale-free and deterministic.
enum HTMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities, safe in element content and in quoted
    /// attribute values.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// An SVG coordinate with one decimal.
    static func coordinate(_ value: Double) -> String {
        DecimalText.fixed(value, places: 1)
    }

    /// A round step (1, 2 or 5 times a power of ten, at least 0.001) so that `span` fits in about `ticks`
    /// steps.
    static func niceStep(span: Double, ticks: Int) -> Double {
        let raw = max(span, 0.001) / Double(max(ticks, 1))
        var magnitude = 0.001
        while magnitude * 10 <= raw { magnitude *= 10 }
        for factor in [1.0, 2.0, 5.0] where magnitude * factor >= raw { return magnitude * factor }
        return magnitude * 10
    }

    /// Decimals needed to print multiples of `step` exactly: 0 for steps of 1 and more, up to 3.
    static func places(for step: Double) -> Int {
        if step >= 1 { return 0 }
        if step >= 0.1 { return 1 }
        if step >= 0.01 { return 2 }
        return 3
    }
}

/// Builds an SVG path's `d` attribute with fixed-precision coordinates.
struct SVGPath {
    private(set) var data = ""

    var isEmpty: Bool { data.isEmpty }

    mutating func move(_ x: Double, _ y: Double) {
        append("M", x, y)
    }

    mutating func line(_ x: Double, _ y: Double) {
        append("L", x, y)
    }

    mutating func close() {
        data += "Z"
    }

    private mutating func append(_ command: String, _ x: Double, _ y: Double) {
        data += command + HTMLText.coordinate(x) + " " + HTMLText.coordinate(y)
    }
}
