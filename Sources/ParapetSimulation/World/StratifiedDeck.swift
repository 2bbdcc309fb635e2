/// Draws the elements of a sample set — sorted by the quantity whose distribution matters — once per cycle, in
/// a stratified random order, so that any run of draws, not only whole cycles, reproduces the distribution
/// closely: a replay that sends a backend more or fewer requests than were recorded still reproduces its
/// percentiles and outcome mix.
///
/// The sorted elements are cut into (up to) 100 strata of consecutive ranks — percentiles. Draws go in rounds:
/// each round visits every stratum once, in a quasi-random order (a golden-ratio sequence with a seeded random
/// offset), and takes a random element of the stratum not yet drawn this cycle. After any number of draws,
/// every percentile has been drawn from as often as every other, give or take one.
struct StratifiedDeck<Element: Sendable>: Sendable {
    private static var strataLimit: Int { 100 }
    private static var goldenRatioConjugate: Double { 0.618_033_988_749_894_9 }

    private let elements: [Element]
    private let strata: Int
    /// Element indices, grouped by stratum; within stratum `s` (indices `bound(s)..<bound(s + 1)`), the first
    /// `remaining[s]` are not yet drawn this cycle.
    private var pool: [Int]
    private var remaining: [Int]
    private var undrawn = 0
    private var order: [Int] = []
    private var position = 0

    /// `elements` must be sorted by the quantity whose distribution matters.
    init(sorted elements: [Element]) {
        self.elements = elements
        strata = min(elements.count, Self.strataLimit)
        pool = Array(elements.indices)
        remaining = []
    }

    var isEmpty: Bool { elements.isEmpty }

    private func bound(_ stratum: Int) -> Int {
        stratum * elements.count / strata
    }

    mutating func next<Generator: RandomNumberGenerator>(using random: inout Generator) -> Element? {
        guard !elements.isEmpty else { return nil }
        if undrawn == 0 {
            remaining = (0..<strata).map { bound($0 + 1) - bound($0) }
            undrawn = elements.count
            position = order.count  // start a new round
        }
        while true {
            if position == order.count { startRound(using: &random) }
            let stratum = order[position]
            position += 1
            let left = remaining[stratum]
            guard left > 0 else { continue }
            let base = bound(stratum)
            let pick = base + Int(random.next() % UInt64(left))
            let last = base + left - 1
            pool.swapAt(pick, last)
            remaining[stratum] = left - 1
            undrawn -= 1
            return elements[pool[last]]
        }
    }

    /// Orders the strata by the points `frac(offset + j·φ⁻¹)`.
    private mutating func startRound<Generator: RandomNumberGenerator>(using random: inout Generator) {
        let offset = random.unitInterval()
        let points = (0..<strata).map { index -> Double in
            let point = offset + Double(index) * Self.goldenRatioConjugate
            return point - point.rounded(.down)
        }
        order = (0..<strata).sorted { points[$0] < points[$1] || (points[$0] == points[$1] && $0 < $1) }
        position = 0
    }
}
