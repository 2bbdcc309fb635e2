import ParapetCore
/// A chaos scenario: a fleet of simulated backends, an outage timeline, one or more proxy stacks built from
/// Parapet's real balancers, a workload, and the expectations a run must meet. Every stack runs on the same
/// seed against the same fleet, timeline and arrivals, so their reports compare like for like.
///
/// Load one from a YAML or JSON file (with `ParapetScenarios`), or build it in Swift:
///
/// ```swift
/// let scenario = try Scenario.load(contentsOf: URL(fileURLWithPath: "Simulations/dead-origin.yaml"))
///
/// let built = Scenario(
///     name: "dead origin",
///     duration: .seconds(60),
///     targets: [.init("a"), .init("b"), .init("c")],
///     timeline: [.init(at: .seconds(10), target: "c", become: .dead(after: .milliseconds(1)))],
///     workload: .poisson(rate: 50),
///     stacks: [.init(name: "breaker", balancer: .circuitBreaker(.init())), .init(balancer: .roundRobin)],
///     expectations: [.better(stack: "breaker", than: "round-robin", metric: .successRatio, by: 0.05)]
/// )
/// let report = try ScenarioRunner.run(built)
/// ```
public struct Scenario: Sendable, Hashable, Codable {
    /// The scenario's name, shown in reports.
    public var name: String
    /// What the scenario demonstrates.
    public var summary: String?
    /// The seed every random stream derives from; a run can override it.
    public var seed: UInt64
    /// How long traffic is sent.
    public var duration: Duration
    /// How long after `duration` requests still in flight may finish before they are cancelled (and counted as
    /// unfinished).
    public var drain: Duration
    /// The simulated backends, in report order.
    public var targets: [Target]
    /// Changes to the backends (and the wall clock) over time.
    public var timeline: [TimelineEvent]
    /// The traffic.
    public var workload: Workload
    /// The Redis server the stacks' rate limits count in; ``Redis``'s defaults when `nil`.
    public var redis: Redis?
    /// The stacks to run, each on the same seed.
    public var stacks: [Stack]
    /// What the runs must show.
    public var expectations: [Expectation]
    /// How the report is bucketed.
    public var report: ReportOptions

    /// Creates a scenario.
    ///
    /// ```swift
    /// let scenario = Scenario(name: "smoke", duration: .seconds(10), targets: [.init("a")],
    ///                         workload: .poisson(rate: 10), stacks: [.init(balancer: .roundRobin)])
    /// ```
    public init(
        name: String,
        summary: String? = nil,
        seed: UInt64 = 1,
        duration: Duration,
        drain: Duration = .seconds(30),
        targets: [Target],
        timeline: [TimelineEvent] = [],
        workload: Workload,
        redis: Redis? = nil,
        stacks: [Stack],
        expectations: [Expectation] = [],
        report: ReportOptions = ReportOptions()
    ) {
        self.name = name
        self.summary = summary
        self.seed = seed
        self.duration = duration
        self.drain = drain
        self.targets = targets
        self.timeline = timeline
        self.workload = workload
        self.redis = redis
        self.stacks = stacks
        self.expectations = expectations
        self.report = report
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case name, summary, seed, duration, drain, targets, timeline, workload, redis, stack, stacks, expect, report
    }

    /// Decodes a scenario document; `stack` (one) and `stacks` (a list) are alternatives.
    ///
    /// The decoded scenario is validated as the loaders validate it: with any decoder, a scenario that
    /// ``validate()`` would refuse fails to decode (`DecodingError.dataCorrupted` naming the field), and numbers
    /// too large for their field are errors, never traps.
    ///
    /// ```swift
    /// let scenario = try JSONDecoder().decode(Scenario.self, from: data)  // or Scenario.load(contentsOf:)
    /// ```
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeValue(.name, default: "scenario")
        summary = try container.decodeOptional(.summary)
        seed = try container.decodeValue(.seed, default: 1)
        duration = try container.decodeDuration(.duration)
        drain = try container.decodeDurationIfPresent(.drain) ?? .seconds(30)
        targets = try container.decode([Target].self, forKey: .targets)
        timeline = try container.decodeValue(.timeline, default: [])
        workload = try container.decode(Workload.self, forKey: .workload)
        redis = try container.decodeOptional(.redis)
        switch (container.contains(.stack), container.contains(.stacks)) {
        case (true, true):
            throw container.problem(.stacks, .invalidValue, "a scenario has either stack or stacks, not both")
        case (true, false):
            stacks = [try container.decode(Stack.self, forKey: .stack)]
        case (false, true):
            stacks = try container.decode([Stack].self, forKey: .stacks)
        case (false, false):
            throw ScenarioProblem(path: [], kind: .missingField, message: "missing field \"stacks\" (or \"stack\") in scenario")
        }
        expectations = try container.decodeValue(.expect, default: [])
        report = try container.decodeValue(.report, default: ReportOptions())
        if let problem = problems().first {
            // The loaders locate the problem in the file themselves; other decoders get a DecodingError.
            if decoder is any ScenarioDocumentDecoder { throw problem }
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath + problem.path.codingKeys, debugDescription: problem.message))
        }
    }

    /// Encodes the scenario in the file format (with `stacks` and `expect`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(summary, forKey: .summary)
        try container.encode(seed, forKey: .seed)
        try container.encodeDuration(duration, forKey: .duration)
        try container.encodeDuration(drain, forKey: .drain)
        try container.encode(targets, forKey: .targets)
        try container.encode(timeline, forKey: .timeline)
        try container.encode(workload, forKey: .workload)
        try container.encodeIfPresent(redis, forKey: .redis)
        try container.encode(stacks, forKey: .stacks)
        try container.encode(expectations, forKey: .expect)
        try container.encode(report, forKey: .report)
    }
}

/// How a report is bucketed: the time-series bucket count and the resolution of per-target traffic counts.
///
/// ```yaml
/// report: {buckets: 60, resolution: 100ms}
/// ```
///
/// ```swift
/// let options = ReportOptions(buckets: 120, resolution: .milliseconds(10))
/// ```
public struct ReportOptions: Sendable, Hashable, Codable {
    /// How many time-series buckets the run's duration is cut into.
    public var buckets: Int
    /// The granularity of the traffic counts behind ``TargetReport/requests(during:)``.
    public var resolution: Duration

    /// Creates options: 60 buckets and 100 ms resolution by default.
    public init(buckets: Int = 60, resolution: Duration = .milliseconds(100)) {
        self.buckets = buckets
        self.resolution = resolution
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case buckets, resolution }

    /// Decodes `{buckets, resolution}`, both optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        buckets = try container.decodeValue(.buckets, default: 60)
        resolution = try container.decodeDurationIfPresent(.resolution) ?? .milliseconds(100)
    }

    /// Encodes both fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(buckets, forKey: .buckets)
        try container.encodeDuration(resolution, forKey: .resolution)
    }
}
