/// The result of running a ``Scenario``: one ``StackReport`` per stack (all on the same seed) and every
/// expectation's verdict. `ParapetScenarios` renders it as `text`, `json()` or `html()`; the same scenario and
/// seed always give byte-identical renderings.
///
/// ```swift
/// let report = try await ScenarioRunner.run(scenario)
/// print(report.text)
/// #expect(report.passed, "\(report.failures)")
/// #expect(report.stack("breaker").target("b").requests(during: TimeWindow(from: .seconds(35))) == 0)
/// ```
public struct SimulationReport: Sendable, Hashable, Codable {
    /// The scenario's name.
    public var scenario: String
    /// The scenario's summary.
    public var summary: String?
    /// The seed the run used.
    public var seed: UInt64
    /// How long traffic was sent.
    @Milliseconds public var duration: Duration
    /// The scenario's outage timeline, in time order (the same for every stack), for marking charts.
    public var timeline: [TimelineMark]
    /// One report per stack, in scenario order.
    public var stacks: [StackReport]
    /// Every expectation's verdict, in scenario order.
    public var expectations: [ExpectationResult]
    /// Whether every expectation passed.
    public var passed: Bool

    /// The expectations that failed.
    public var failures: [ExpectationResult] {
        expectations.filter { !$0.passed }
    }

    /// The stack named `name` (the first stack for `nil`); an empty report when there is none.
    public func stack(_ name: String? = nil) -> StackReport {
        if let name, let stack = stacks.first(where: { $0.name == name }) { return stack }
        if name == nil, let first = stacks.first { return first }
        return StackReport(
            name: name ?? "", composition: "", requests: 0, successes: 0, successRatio: nil, unfinished: 0, statuses: [],
            latency: LatencySummary(LatencyHistogram()), attempts: AttemptSummary(total: 0, routed: 0, shed: 0, shedReasons: []),
            targets: [], transitions: [], transitionsDropped: 0, allDownWindows: [],
            timeSeries: TimeSeries(bucketWidth: .zero, buckets: []), simulatedEvents: 0, virtualTime: .zero)
    }

    /// The target named `name` in the first stack — handy for single-stack scenarios.
    public func target(_ name: String) -> TargetReport {
        stack().target(name)
    }
}

/// One expectation's verdict.
///
/// ```swift
/// print(result.passed ? "PASS" : "FAIL", result.expectation, result.message)
/// ```
public struct ExpectationResult: Sendable, Hashable, Codable {
    /// The expectation's position in the scenario's `expect` list.
    public var index: Int
    /// The expectation, as text.
    ///
    /// ```swift
    /// print(result.expectation)  // successRatio(stack: breaker, atLeast: 0.99)
    /// ```
    public var expectation: String
    /// Whether it held.
    public var passed: Bool
    /// What was measured against what was expected.
    public var message: String
}
