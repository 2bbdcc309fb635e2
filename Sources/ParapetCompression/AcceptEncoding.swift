import ParapetCore

/// A parsed `Accept-Encoding` field and the choice of a content coding by RFC 9110 §12.5.3: each coding's
/// weight is its own `q` or, when it is not listed, that of `*`; a weight of `0` refuses; the highest
/// weight wins, and among equal weights the server's order. Sending no coding (`identity`) is always the
/// fallback, and is preferred only when the client weighs `identity` explicitly above every coding.
///
/// ```swift
/// AcceptEncoding("gzip;q=0.8, br").preferred(among: [.gzip, .brotli])   // .brotli
/// AcceptEncoding("gzip;q=0").preferred(among: [.gzip])                  // nil: identity
/// ```
struct AcceptEncoding: Equatable {
    /// Weights in thousandths (0…1000) by lower-cased coding token (`*` included).
    private(set) var weights: [String: Int] = [:]

    /// Parses a field value; entries with a malformed weight are ignored.
    init(_ field: String) {
        for entry in field.split(separator: ",") {
            let parts = entry.split(separator: ";")
            guard let name = parts.first.map({ $0.trimmingWhitespace.lowercased() }), !name.isEmpty else { continue }
            var weight = 1_000
            var isValid = true
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingWhitespace.lowercased() == "q" else { continue }
                guard let parsed = Self.weight(pair[1].trimmingWhitespace) else {
                    isValid = false
                    break
                }
                weight = parsed
            }
            guard isValid else { continue }
            let token = name == "x-gzip" ? "gzip" : name
            weights[token] = max(weights[token] ?? 0, weight)
        }
    }

    /// The coding to apply, or `nil` to send the representation as it is.
    func preferred(among offered: [ContentCoding]) -> ContentCoding? {
        var best: (coding: ContentCoding, weight: Int)?
        for coding in offered {
            let weight = weights[coding.token] ?? weights["*"] ?? 0
            if weight > 0, weight > (best?.weight ?? 0) { best = (coding, weight) }
        }
        guard let best else { return nil }
        // `identity` competes only when the client weighs it explicitly.
        return best.weight >= (weights["identity"] ?? 0) ? best.coding : nil
    }

    /// A weight (`qvalue`: `0`–`1` with up to three decimals) in thousandths, or `nil` when malformed.
    private static func weight(_ text: Substring) -> Int? {
        let digits = Array(text.utf8)
        guard let first = digits.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        var thousandths = first == UInt8(ascii: "1") ? 1_000 : 0
        guard digits.count > 1 else { return thousandths }
        guard digits[1] == UInt8(ascii: "."), digits.count <= 5 else { return nil }
        var scale = 100
        for digit in digits.dropFirst(2) {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            thousandths += Int(digit - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        return thousandths <= 1_000 ? thousandths : nil
    }

}
