import ParapetScenarios
import ParapetSimulation
import ParapetTestSupport
import ParapetUpstream
import Testing

/// How a user writes a chaos test: build the scenario in Swift, run it, and expect on the report.
@Suite("Swift Testing support", .cpuHeavy)
struct SwiftTestingSupportTests {
    static let deadOrigin = Scenario(
        name: "dead origin",
        duration: .seconds(40),
        drain: .seconds(2),
        targets: ["a", "b", "c"].map { Scenario.Target($0, latency: .logNormal(median: .milliseconds(15), sigma: 0.3)) },
        timeline: [.init(at: .seconds(10), target: "c", become: .dead(after: .milliseconds(1)))],
        workload: .poisson(rate: 30),
        stacks: [
            .init(name: "breaker", balancer: .circuitBreaker(.init(failureThreshold: 3, openTimeout: .seconds(5)))),
            .init(balancer: .roundRobin),
        ],
        expectations: [.better(stack: "breaker", than: "round-robin", metric: .successRatio, by: 0.05)])

    @Test("a scenario built in Swift runs, and the report answers questions about targets and windows")
    func deadOriginInSwift() async throws {
        let report = try await Self.deadOrigin.run()
        #expect(report.passed, "\(report.failures.map(\.message))")
        let breaker = report.stack("breaker")
        let roundRobin = report.stack("round-robin")
        // While c's circuit is open the breaker sends it nothing; round-robin keeps feeding it.
        #expect(breaker.target("c").requestsWhileOpen == 0)
        #expect(breaker.target("c").requests(during: .seconds(11) ..< .seconds(15)) == 0)
        #expect(roundRobin.target("c").requests(during: .seconds(11) ..< .seconds(15)) > 30)
        #expect(breaker.transitions.contains { $0.target == "c" && $0.reason == "trip" })
        let (requests, successes) = breaker.outcomes(during: TimeWindow(from: .seconds(20)))
        #expect(requests > 0 && Double(successes) / Double(requests) > 0.97)
        #expect(report.stack("no such stack").requests == 0)
    }
}
