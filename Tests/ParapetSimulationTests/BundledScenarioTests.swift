import Foundation
import ParapetScenarios
import ParapetSimulation
import ParapetTestSupport
import Testing

@Suite("Bundled scenarios", .cpuHeavy)
struct BundledScenarioTests {
    @Test("there is one scenario per reliability primitive, plus the correlated outage, the Redis outage and three for the cache")
    func catalogue() {
        #expect(bundledScenarioFiles().map(\.lastPathComponent) == [
            "cache-purge-reap.yaml", "cache-stale-if-error.yaml", "cache-thundering-herd.yaml", "cold-deploy.yaml", "correlated-outage.yaml", "dead-origin.yaml", "flaky-5xx.yaml", "gray-failure.yaml", "overload.yaml",
            "redis-outage.yaml", "tail-latency.yaml", "uneven-capacity.yaml",
        ])
    }

    @Test("every bundled scenario meets its expectations, and two runs give byte-identical reports",
          arguments: bundledScenarioFiles().map(\.lastPathComponent))
    func meetsExpectations(_ name: String) async throws {
        let scenario = try Scenario.load(contentsOf: simulationsFolder.appendingPathComponent(name))
        #expect(scenario.stacks.count >= 2, "a primitive and round-robin, or two failure modes")
        if name != "redis-outage.yaml" {
            #expect(scenario.stacks.contains { $0.name == "round-robin" })
        }
        #expect(scenario.expectations.contains { if case .better = $0 { true } else if case .allDown = $0 { true } else { false } })
        let first = try await ScenarioRunner.run(scenario)
        #expect(first.passed, "\(first.failures.map(\.message))")
        #expect(!first.expectations.isEmpty)
        let second = try await ScenarioRunner.run(scenario)
        #expect(first.text == second.text)
        #expect(try first.json() == second.json())
    }
}
