import Foundation
import ParapetCore

/// Draws latencies from a ``LatencyDistribution`` in nanoseconds; keeps the deck of an empirical distribution
/// (every sample once per cycle, in a stratified quasi-random order: see ``StratifiedDeck``).
struct LatencySampler: Sendable {
    private enum Kind: Sendable {
        case fixed(Int64)
        case uniform(Int64, Int64)
        case normal(mean: Double, deviation: Double)
        case logNormal(mu: Double, sigma: Double)
        case empirical
    }

    private let kind: Kind
    private var deck: StratifiedDeck<Int64>
    /// Box–Muller makes normal draws in pairs; the second waits here.
    private var spareNormal: Double?

    init(_ distribution: LatencyDistribution) {
        deck = StratifiedDeck(sorted: [])
        switch distribution {
        case .fixed(let duration):
            kind = .fixed(max(duration.wholeNanoseconds, 0))
        case .uniform(let low, let high):
            kind = .uniform(max(low.wholeNanoseconds, 0), max(high.wholeNanoseconds, low.wholeNanoseconds, 0))
        case .normal(let mean, let deviation):
            kind = .normal(mean: Double(mean.wholeNanoseconds), deviation: Double(deviation.wholeNanoseconds))
        case .logNormal(let median, let sigma):
            kind = .logNormal(mu: log(Double(max(median.wholeNanoseconds, 1))), sigma: sigma)
        case .empirical(let samples):
            kind = samples.isEmpty ? .fixed(0) : .empirical
            deck = StratifiedDeck(sorted: samples.map { max($0.wholeNanoseconds, 0) }.sorted())
        }
    }

    mutating func next<Generator: RandomNumberGenerator>(using random: inout Generator) -> Int64 {
        switch kind {
        case .fixed(let value):
            return value
        case .uniform(let low, let high):
            return high > low ? low + Int64(Double(high - low) * random.unitInterval()) : low
        case .normal(let mean, let deviation):
            return Self.clamp(mean + deviation * standardNormal(using: &random))
        case .logNormal(let mu, let sigma):
            return Self.clamp(exp(mu + sigma * standardNormal(using: &random)))
        case .empirical:
            return deck.next(using: &random) ?? 0
        }
    }

    /// A standard normal draw: Box–Muller, both values of each pair used.
    private mutating func standardNormal<Generator: RandomNumberGenerator>(using random: inout Generator) -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let u1 = 1 - random.unitInterval()  // (0, 1]
        let u2 = random.unitInterval()
        let radius = (-2 * log(u1)).squareRoot()
        spareNormal = radius * sin(2 * Double.pi * u2)
        return radius * cos(2 * Double.pi * u2)
    }

    private static func clamp(_ nanoseconds: Double) -> Int64 {
        guard nanoseconds.isFinite, nanoseconds > 0 else { return 0 }
        return nanoseconds >= 3.0e15 ? 3_000_000_000_000_000 : Int64(nanoseconds)
    }
}

extension RandomNumberGenerator {
    /// A uniform draw in `[0, 1)` with 53 random bits.
    mutating func unitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// An exponential draw with the given rate (mean `1 / rate`).
    mutating func exponential(rate: Double) -> Double {
        -log(1 - unitInterval()) / rate
    }
}
