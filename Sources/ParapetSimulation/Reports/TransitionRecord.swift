import ParapetCore
/// One state change a balancer or the health check reported through its `onStateChange` hook, stamped
/// with virtual time.
///
/// ```swift
/// let trips = report.stack("breaker").transitions.filter { $0.reason == "trip" }
/// ```
public struct TransitionRecord: Sendable, Hashable, Codable {
    /// When, from the start of the run.
    @Milliseconds public var at: Duration
    /// Who reported it: `circuit-breaker`, `ejecting`, `latency-ejecting` or `health-check`.
    public var source: String
    /// The target.
    public var target: String
    /// The state before: `closed`, `open` or `half-open`.
    public var from: String
    /// The state after.
    public var to: String
    /// Why (`trip`, `reopen`, `heal`, `probe`, `expire`, `eject`, `recover`, `probe_down`, `probe_recover`).
    public var reason: String
    /// For a failed health-check probe, what failed (`timeout`, `refused`, `status`…); `none` otherwise.
    public var cause: String
}

/// A span during which every target was out (dead, black-holed, failing everything, flapping down or
/// unready), and what the stack did meanwhile.
///
/// ```swift
/// for window in report.stack("breaker").allDownWindows { print(window.shed, window.routed) }
/// ```
public struct AllDownWindow: Sendable, Hashable, Codable {
    /// Start, from the start of the run.
    @Milliseconds public var from: Duration
    /// End (exclusive).
    @Milliseconds public var to: Duration
    /// Client requests that arrived in the window.
    public var requests: Int
    /// Of which answered 2xx/3xx.
    public var successes: Int
    /// Attempts the stack made in the window (each retry is one).
    public var attempts: Int
    /// Attempts the balancer shed (`503`, no target contacted).
    public var shed: Int
    /// Attempts the balancer routed to a target anyway (failing open).
    public var routed: Int
}

/// Attempts the stack made (one per client request, more with retries) and how the balancer disposed of
/// them.
///
/// ```swift
/// let attempts = report.stack("breaker").attempts
/// print(attempts.shed, attempts.routed)
/// ```
public struct AttemptSummary: Sendable, Hashable, Codable {
    /// All attempts.
    public var total: Int
    /// Routed to a target.
    public var routed: Int
    /// Shed by the balancer.
    public var shed: Int
    /// Sheds by reason (`empty`, `saturated`, `all_dark`, `all_open`).
    public var shedReasons: [StatusCount]
}

/// One step of the scenario's outage timeline, for marking charts: when, which target, what changed.
///
/// ```swift
/// for mark in report.timeline { print(mark.at, mark.target ?? "-", mark.change) }
/// ```
public struct TimelineMark: Sendable, Hashable, Codable {
    /// When, from the start of the run.
    @Milliseconds public var at: Duration
    /// The target that changed, or `nil` for a wall-clock step.
    public var target: String?
    /// What changed, e.g. `becomes dead`, `latency 200ms`, `wall clock steps -2s`.
    public var change: String

    init(_ event: Scenario.TimelineEvent) {
        at = event.at
        target = event.target
        var changes: [String] = []
        if let behaviour = event.become { changes.append("becomes \(behaviour.summary)") }
        if let latency = event.latency { changes.append("latency \(latency.summary)") }
        if let capacity = event.capacity { changes.append("capacity \(capacity.concurrency)+\(capacity.queue)") }
        if let step = event.wallClockStep { changes.append("wall clock steps \(DurationText.format(step))") }
        if let redis = event.redis { changes.append("redis \(redis.name)") }
        if let purge = event.purge { changes.append("purge \(purge.summary)") }
        change = changes.joined(separator: ", ")
    }
}

extension BackendBehaviour {
    /// A short description: `dead`, `errors 30% 500`, `gray ×10`…
    var summary: String {
        switch self {
        case .healthy: "healthy"
        case .errors(let rate, let answer): "errors \(DecimalText.fixed(rate * 100, places: 1))% \(answer.summary)"
        case .dead: "dead"
        case .blackHole: "blackHole"
        case .flapping(let up, let down, let downAs):
            "flapping up \(DurationText.format(up)) down \(DurationText.format(down)) as \(downAs.summary)"
        case .gray(let slowdown): "gray ×\(DecimalText.fixed(slowdown, places: 1))"
        case .coldStart(let warmup, let unready): "coldStart \(DurationText.format(warmup)) as \(unready.summary)"
        case .recorded(let answers): "recorded (\(answers.count) answers)"
        }
    }
}

extension FailureAnswer {
    var summary: String {
        switch self {
        case .status(let code): String(code)
        case .refused: "refused"
        case .reset: "reset"
        case .blackHole: "blackHole"
        }
    }
}

extension LatencyDistribution {
    var summary: String {
        switch self {
        case .fixed(let duration): DurationText.format(duration)
        case .uniform(let low, let high): "uniform \(DurationText.format(low))–\(DurationText.format(high))"
        case .normal(let mean, let deviation): "normal \(DurationText.format(mean))±\(DurationText.format(deviation))"
        case .logNormal(let median, let sigma): "logNormal \(DurationText.format(median)) σ\(sigma)"
        case .empirical(let samples): "empirical (\(samples.count) samples)"
        }
    }
}
