/// What one stack did in a run: client-side outcomes and latency, the balancer's attempts and sheds, every
/// target's view, the state transitions in order, the all-down windows, a time series for charts, and what
/// its rate limit and cache did.
///
/// ```swift
/// let breaker = report.stack("breaker")
/// #expect(breaker.successRatio ?? 0 > 0.99)
/// #expect(breaker.target("c").requestsWhileOpen == 0)
/// print(breaker.transitions.map(\.reason))
/// ```
public struct StackReport: Sendable, Hashable, Codable {
    /// The stack's name.
    public var name: String
    /// The composition, outermost first, e.g. `upstream(retries: 2) > hedging(delay: 50ms) > circuit-breaker`.
    public var composition: String
    /// Client requests sent.
    public var requests: Int
    /// Of which answered 2xx/3xx.
    public var successes: Int
    /// `successes / requests`; `nil` without requests.
    public var successRatio: Double?
    /// Requests still unanswered when the drain ended (cancelled; counted as failures).
    public var unfinished: Int
    /// Client outcomes by status (and `unfinished`).
    public var statuses: [StatusCount]
    /// Client latency of the requests that finished.
    public var latency: LatencySummary
    /// The balancer stack's attempts and sheds.
    public var attempts: AttemptSummary
    /// Per target, in scenario order.
    public var targets: [TargetReport]
    /// State transitions in the order they were reported (at most 100 000; see ``transitionsDropped``).
    public var transitions: [TransitionRecord]
    /// Transitions beyond the first 100 000, not kept.
    public var transitionsDropped: Int
    /// The spans during which every target was out.
    public var allDownWindows: [AllDownWindow]
    /// The run in time buckets.
    public var timeSeries: TimeSeries
    /// Discrete events the simulator processed for this run (jobs plus timers).
    public var simulatedEvents: Int
    /// Virtual time the run lasted, drain included.
    @Milliseconds public var virtualTime: Duration

    /// The global rate limit's decisions, for a stack with one.
    public var rateLimit: RateLimitReport? = nil
    /// The HTTP cache's answers and origin requests, for a stack with one.
    public var cache: CacheReport? = nil
    /// The per-request trace, when the run was asked to record one (not part of the JSON).
    public var trace: RequestTrace? = nil

    private enum CodingKeys: String, CodingKey {
        case name, composition, requests, successes, successRatio, unfinished, statuses, latency, attempts, targets,
            transitions, transitionsDropped, allDownWindows, timeSeries, simulatedEvents, virtualTime, rateLimit, cache
    }

    /// The report of the target named `name`; an empty report when there is none.
    public func target(_ name: String) -> TargetReport {
        targets.first { $0.name == name }
            ?? TargetReport(name: name, tally: TargetTally(layout: .untimed))
    }
}
