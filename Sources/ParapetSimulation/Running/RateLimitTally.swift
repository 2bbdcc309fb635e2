import ParapetCore
/// What a rate-limited stack's limiter decided, counted as the run goes: refusals, decisions made without
/// Redis (failed open or closed), and both again within each Redis outage — by the arrival of the request
/// decided, as requests are.
struct RateLimitTally: Sendable {
    struct Window: Sendable {
        let range: Range<Int64>
        let state: SimulatedRedis.State
        var requests = 0
        var successes = 0
        var limited = 0
        var storeFailures = 0
    }

    var limited = 0
    var storeFailures = 0
    var outages: [Window]

    init(outages: [(range: Range<Int64>, state: SimulatedRedis.State)]) {
        self.outages = outages.map { Window(range: $0.range, state: $0.state) }
    }

    /// The spans before `end` in which Redis is not up, from the timeline's `redis` steps: one per state
    /// (a step from `down` to `partitioned` starts a new span), the last closing at `end`.
    static func outages(in timeline: [Scenario.TimelineEvent], end: Int64) -> [(range: Range<Int64>, state: SimulatedRedis.State)] {
        var outages: [(range: Range<Int64>, state: SimulatedRedis.State)] = []
        var open: (from: Int64, state: SimulatedRedis.State)?
        let steps = timeline.enumerated()
            .compactMap { index, event in event.redis.map { (at: min(event.at.wholeNanoseconds, end), index: index, state: $0) } }
            .sorted { ($0.at, $0.index) < ($1.at, $1.index) }
        for step in steps where step.state != open?.state {
            if let started = open, step.at > started.from { outages.append((started.from..<step.at, started.state)) }
            open = step.state == .up ? nil : (step.at, step.state)
        }
        if let started = open, end > started.from { outages.append((started.from..<end, started.state)) }
        return outages
    }

    mutating func recordRequest(arrival: Int64, status: Int) {
        for index in outages.indices where outages[index].range.contains(arrival) {
            outages[index].requests += 1
            if (200..<400).contains(status) { outages[index].successes += 1 }
        }
    }

    mutating func recordRefusal(arrival: Int64) {
        limited += 1
        for index in outages.indices where outages[index].range.contains(arrival) {
            outages[index].limited += 1
        }
    }

    mutating func recordStoreFailure(arrival: Int64) {
        storeFailures += 1
        for index in outages.indices where outages[index].range.contains(arrival) {
            outages[index].storeFailures += 1
        }
    }
}
