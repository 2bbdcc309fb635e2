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

/// Picks a request kind by weight.
struct RequestMix: Sendable {
    private let cumulative: [UInt64]

    init(weights: [Int]) {
        var total: UInt64 = 0
        cumulative = weights.map { weight in
            total += UInt64(max(weight, 0))
            return total
        }
    }

    /// An index into the mix; draws nothing when there is a single kind.
    mutating func pick<Generator: RandomNumberGenerator>(using random: inout Generator) -> Int {
        guard cumulative.count > 1, let total = cumulative.last, total > 0 else { return 0 }
        let draw = random.next() % total
        return cumulative.firstIndex { draw < $0 } ?? 0
    }
}
