import ParapetCore
/// Everything measured at one simulated backend during a run, as a value: attempts (requests that reached it
/// from the proxy), their outcomes and latencies, in-flight peaks, traffic while a balancer reported it open,
/// and health-check probes (counted apart).
import ParapetUpstream

struct TargetTally: Sendable {
    let layout: ReportLayout
    var attempts = 0
    var inFlight = 0
    var peakInFlight = 0
    var statusCounts = [Int](repeating: 0, count: 600)
    var refused = 0
    var resets = 0
    var timedOut = 0
    var cancelled = 0
    var successes = 0
    var latency = LatencyHistogram()
    var ticks: [UInt32]
    var buckets: [BucketTally]
    var windows: [Int]
    /// Per reporting source (breaker, ejector, latency ejector, health check): until when it has the target
    /// open (`.max`: until its next transition; 0: closed), and how many ejections in a row it has counted.
    var openUntil: [Int64] = [0, 0, 0, 0]
    var ejections: [Int] = [0, 0, 0, 0]
    var attemptsWhileOpen = 0
    var probes = 0
    var failedProbes = 0

    init(layout: ReportLayout) {
        self.layout = layout
        ticks = Array(repeating: 0, count: layout.tickCount)
        buckets = Array(repeating: BucketTally(), count: layout.bucketCount)
        windows = Array(repeating: 0, count: layout.windows.count)
    }

    mutating func begin(at time: Int64) {
        attempts += 1
        inFlight += 1
        if inFlight > peakInFlight { peakInFlight = inFlight }
        ticks[layout.tick(of: time)] &+= 1
        buckets[layout.bucket(of: time)].requests += 1
        if openUntil[0] > time || openUntil[1] > time || openUntil[2] > time || openUntil[3] > time { attemptsWhileOpen += 1 }
        for index in windows.indices where layout.windows[index].contains(time) {
            windows[index] += 1
        }
    }

    mutating func end(_ outcome: AttemptOutcome, startedAt start: Int64, at finish: Int64) {
        inFlight -= 1
        switch outcome {
        case .answered(let status):
            statusCounts[min(max(status, 0), 599)] += 1
        case .refused: refused += 1
        case .reset: resets += 1
        case .timedOut: timedOut += 1
        case .cancelled:
            cancelled += 1
            return
        }
        let elapsed = finish - start
        latency.record(nanoseconds: elapsed)
        let bucket = layout.bucket(of: start)
        buckets[bucket].latency.record(nanoseconds: elapsed)
        if outcome.isSuccess {
            successes += 1
            buckets[bucket].successes += 1
        }
    }

    mutating func probed(_ outcome: AttemptOutcome) {
        probes += 1
        if !outcome.isSuccess { failedProbes += 1 }
    }

    /// Follows a source's reported transition. A circuit or a health-check mark stays open until the next
    /// transition; an ejection ends silently when its cooldown runs out, so `cooldown` (the ejector's base and
    /// cap) gives its length: doubled for each ejection in a row, as the ejecting balancers compute it.
    mutating func transition(source: Int, to state: TargetState, at time: Int64, cooldown: EjectionCooldown?) {
        guard openUntil.indices.contains(source) else { return }
        guard state == .open else {
            openUntil[source] = 0
            ejections[source] = 0
            return
        }
        guard let cooldown else {
            openUntil[source] = .max
            return
        }
        ejections[source] += 1
        openUntil[source] = time &+ cooldown.duration(forEjection: ejections[source]).wholeNanoseconds
    }
}

/// An ejector's cooldown: `base`, doubled for each further ejection in a row, never above `cap` — the formula of
/// `EjectingBalancer.StateMachine.cooldown(forEjection:)` and the latency ejector, replicated to know when a silent ejection
/// ends.
struct EjectionCooldown: Sendable, Hashable {
    var base: Duration
    var cap: Duration

    func duration(forEjection ejection: Int) -> Duration {
        var cooldown = base
        var doublings = ejection - 1
        while doublings > 0 && cooldown < cap {
            cooldown *= 2
            doublings -= 1
        }
        return min(cooldown, cap)
    }
}
