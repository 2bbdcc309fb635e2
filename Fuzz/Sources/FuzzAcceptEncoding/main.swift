// `Accept-Encoding` fields (AcceptEncoding): weights stay in 0…1000, and the choice is one of the offered
// codings (or identity), whatever order the server offers them in.
import FuzzSupport

@testable import ParapetCompression

fuzz { raw in
    var input = FuzzInput(raw)
    let order = input.integer(UInt8.self)
    let field = AcceptEncoding(input.remainingText)
    precondition(field.weights.values.allSatisfy { (0...1_000).contains($0) }, "weights \(field.weights)")
    let all: [ContentCoding] = [.brotli, .zstd, .gzip, .deflate]
    let offered = all.enumerated().filter { order >> $0.offset & 1 == 1 }.map(\.element)
    if let choice = field.preferred(among: offered) {
        precondition(offered.contains(choice), "chose \(choice) from \(offered)")
        precondition((field.weights[choice.token] ?? field.weights["*"] ?? 0) > 0, "chose a refused coding")
    }
}
