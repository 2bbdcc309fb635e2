import ParapetCore
/// Open-loop arrival times as a pure value: a Poisson process at `rate` per second, the rate multiplied inside
/// bursts (overlapping bursts multiply). Exact for a piecewise-constant rate: when a draw crosses a rate change
/// it restarts from the change (the exponential is memoryless). Times are virtual nanoseconds.
struct PoissonArrivals: Sendable {
    private let rate: Double
    private let bursts: [Scenario.Workload.Burst]
    private let boundaries: [Int64]
    private var now: Int64 = 0

    init(rate: Double, bursts: [Scenario.Workload.Burst]) {
        self.rate = rate
        self.bursts = bursts
        boundaries = Array(Set(bursts.flatMap { [$0.from.wholeNanoseconds, $0.to.wholeNanoseconds] })).sorted()
    }

    private func rate(at time: Int64) -> Double {
        var rate = self.rate
        for burst in bursts where burst.from.wholeNanoseconds <= time && time < burst.to.wholeNanoseconds {
            rate *= burst.multiplier
        }
        return rate
    }

    /// The next arrival, or `nil` once the rate is zero for good.
    mutating func next<Generator: RandomNumberGenerator>(using random: inout Generator) -> Int64? {
        while true {
            let current = rate(at: now)
            let boundary = boundaries.first { $0 > now }
            guard current > 0 else {
                guard let boundary else { return nil }
                now = boundary
                continue
            }
            let gap = random.exponential(rate: current) * 1e9
            let candidate = gap >= Double(Int64.max - now) ? Int64.max : now + Int64(gap)
            if let boundary, candidate >= boundary {
                now = boundary
                continue
            }
            now = candidate
            return now
        }
    }
}

/// Picks a request kind by weight, among the kinds active at the arrival.
struct RequestMix: Sendable {
    private let weights: [UInt64]
    private let cumulative: [UInt64]
    /// Each kind's active span in virtual nanoseconds; `nil` when every kind is always active, so that a mix
    /// without windows picks exactly as it always did.
    private let windows: [Range<Int64>]?

    init(weights: [Int], active: [TimeWindow] = []) {
        self.weights = weights.map { UInt64(max($0, 0)) }
        var total: UInt64 = 0
        cumulative = self.weights.map { weight in
            total += weight
            return total
        }
        windows = active.allSatisfy(\.isWhole) ? nil : active.map { window in
            let from = window.from.wholeNanoseconds
            return from..<max(window.to?.wholeNanoseconds ?? .max, from)
        }
    }

    init(_ entries: [Scenario.Workload.MixEntry]) {
        self.init(weights: entries.map(\.weight), active: entries.map(\.active))
    }

    /// An index into the mix, or `nil` when no kind is active at `time`; draws nothing when the mix has a
    /// single kind.
    mutating func pick<Generator: RandomNumberGenerator>(at time: Int64, using random: inout Generator) -> Int? {
        var cumulative = self.cumulative
        if let windows {
            var total: UInt64 = 0
            cumulative = weights.indices.map { index in
                if windows[index].contains(time) { total += weights[index] }
                return total
            }
        }
        guard let total = cumulative.last, total > 0 else { return nil }
        guard cumulative.count > 1 else { return 0 }
        let draw = random.next() % total
        // An inactive kind adds nothing, so the first bound above the draw is an active kind's.
        return cumulative.firstIndex { draw < $0 }
    }

    /// The first instant after `time` at which an entry with a positive weight becomes active, if any.
    func nextStart(after time: Int64) -> Int64? {
        guard let windows else { return nil }
        return zip(weights, windows).filter { $0.0 > 0 && $0.1.lowerBound > time }.map(\.1.lowerBound).min()
    }
}
