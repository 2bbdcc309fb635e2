extension Scenario {
    /// Runs the scenario (see ``ScenarioRunner``) on a thread of its own — the natural call in a Swift Testing
    /// test (here loading a file, with `ParapetScenarios`).
    ///
    /// ```swift
    /// @Test func breakerKeepsTrafficOffTheDeadOrigin() async throws {
    ///     let report = try await Scenario.load(contentsOf: url).run()
    ///     #expect(report.passed, "\(report.failures)")
    ///     #expect(report.stack("breaker").target("c").requests(during: .seconds(15) ..< .seconds(60)) < 10)
    /// }
    /// ```
    public func run(seed: UInt64? = nil) async throws -> SimulationReport {
        try await ScenarioRunner.run(self, seed: seed)
    }

    /// Runs the scenario on the calling thread.
    public func run(seed: UInt64? = nil) throws -> SimulationReport {
        try ScenarioRunner.run(self, seed: seed)
    }
}

extension TargetReport {
    /// Attempts that arrived during `range` (see ``requests(during:)-(TimeWindow)``).
    public func requests(during range: Range<Duration>) -> Int {
        requests(during: TimeWindow(range))
    }

    /// Attempts that arrived from `range.lowerBound` to the end of the run.
    public func requests(during range: PartialRangeFrom<Duration>) -> Int {
        requests(during: TimeWindow(from: range.lowerBound))
    }
}

extension StackReport {
    /// Client requests that arrived during `window`, and how many succeeded, from the time series (so rounded
    /// outwards to whole buckets).
    public func outcomes(during window: TimeWindow) -> (requests: Int, successes: Int) {
        let width = timeSeries.bucketWidth
        var requests = 0
        var successes = 0
        for bucket in timeSeries.buckets {
            let end = bucket.start + width
            let overlaps = end > window.from && (window.to.map { bucket.start < $0 } ?? true)
            if overlaps {
                requests += bucket.requests
                successes += bucket.successes
            }
        }
        return (requests, successes)
    }
}
