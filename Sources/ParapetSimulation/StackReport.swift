/// What one stack did in a run: client-side outcomes and latency, the balancer's attempts and sheds, every
/// target's view, the state transitions in order, the all-down windows, and a time series for charts.
///
/// ```swift
/// let breaker = report.stack("breaker")
/// #expect(breaker.successRatio ?? 0 > 0.99)
/// #expect(breaker.target("c").requestsWhileOpen == 0)
/// print(breaker.transitions.map(\.reason))
/// ```
public struct StackReport: Sendable, Hashable, Codable {
    /// The stack's name.
    ///
    /// ```swift
    /// print(stack.name)
    /// ```
    public var name: String
    /// The composition, outermost first, e.g. `upstream(retries: 2) > hedging(delay: 50ms) > circuit-breaker`.
    ///
    /// ```swift
    /// print(stack.composition)
    /// ```
    public var composition: String
    /// Client requests sent.
    ///
    /// ```swift
    /// print(stack.requests)
    /// ```
    public var requests: Int
    /// Of which answered 2xx/3xx.
    ///
    /// ```swift
    /// print(stack.successes)
    /// ```
    public var successes: Int
    /// `successes / requests`; `nil` without requests.
    ///
    /// ```swift
    /// print(stack.successRatio ?? 1)
    /// ```
    public var successRatio: Double?
    /// Requests still unanswered when the drain ended (cancelled; counted as failures).
    ///
    /// ```swift
    /// print(stack.unfinished)
    /// ```
    public var unfinished: Int
    /// Client outcomes by status (and `unfinished`).
    ///
    /// ```swift
    /// print(stack.statuses)
    /// ```
    public var statuses: [StatusCount]
    /// Client latency of the requests that finished.
    ///
    /// ```swift
    /// print(stack.latency.p99)
    /// ```
    public var latency: LatencySummary
    /// The balancer stack's attempts and sheds.
    ///
    /// ```swift
    /// print(stack.attempts.shed)
    /// ```
    public var attempts: AttemptSummary
    /// Per target, in scenario order.
    ///
    /// ```swift
    /// for target in stack.targets { print(target.name, target.requests) }
    /// ```
    public var targets: [TargetReport]
    /// State transitions in the order they were reported (at most 100 000; see ``transitionsDropped``).
    ///
    /// ```swift
    /// print(stack.transitions.count)
    /// ```
    public var transitions: [TransitionRecord]
    /// Transitions beyond the first 100 000, not kept.
    ///
    /// ```swift
    /// print(stack.transitionsDropped)
    /// ```
    public var transitionsDropped: Int
    /// The spans during which every target was out.
    ///
    /// ```swift
    /// print(stack.allDownWindows.count)
    /// ```
    public var allDownWindows: [AllDownWindow]
    /// The run in time buckets.
    ///
    /// ```swift
    /// print(stack.timeSeries.buckets.count)
    /// ```
    public var timeSeries: TimeSeries
    /// Discrete events the simulator processed for this run (jobs plus timers).
    ///
    /// ```swift
    /// print(stack.simulatedEvents)
    /// ```
    public var simulatedEvents: Int
    /// Virtual time the run lasted, drain included.
    ///
    /// ```swift
    /// print(stack.virtualTime)
    /// ```
    @Milliseconds public var virtualTime: Duration

    /// The per-request trace, when the run was asked to record one (not part of the JSON).
    ///
    /// ```swift
    /// let trace = try #require(stack.trace)
    /// ```
    public var trace: RequestTrace? = nil

    private enum CodingKeys: String, CodingKey {
        case name, composition, requests, successes, successRatio, unfinished, statuses, latency, attempts, targets,
            transitions, transitionsDropped, allDownWindows, timeSeries, simulatedEvents, virtualTime
    }

    /// The report of the target named `name`; an empty report when there is none.
    ///
    /// ```swift
    /// #expect(stack.target("b").requests == 0)
    /// ```
    public func target(_ name: String) -> TargetReport {
        targets.first { $0.name == name }
            ?? TargetReport(name: name, tally: TargetTally(layout: .untimed))
    }
}
