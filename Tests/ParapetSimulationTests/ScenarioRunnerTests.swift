import Foundation
import ParapetScenarios
import ParapetSimulation
import ParapetTestSupport
import ParapetUpstream
import Testing

/// A small scenario: three targets, `rate` requests a second for `seconds`, one stack.
func smallScenario(
    seconds: Int64 = 20, rate: Double = 20, targets: [Scenario.Target] = [.init("a"), .init("b"), .init("c")],
    timeline: [Scenario.TimelineEvent] = [], stack: Scenario.Stack = .init(balancer: .roundRobin),
    expectations: [Scenario.Expectation] = []
) -> Scenario {
    Scenario(
        name: "small", duration: .seconds(seconds), drain: .seconds(5), targets: targets, timeline: timeline,
        workload: .poisson(rate: rate), stacks: [stack], expectations: expectations, report: ReportOptions(buckets: 10))
}

@Suite("ScenarioRunner", .cpuHeavy)
struct ScenarioRunnerTests {
    @Test("the same seed gives byte-identical text and JSON; another seed gives a different report")
    func determinism() async throws {
        let scenario = try Scenario(yaml: sampleYAML, file: "sample.yaml")
        let first = try await ScenarioRunner.run(scenario)
        let second = try await ScenarioRunner.run(scenario)
        let other = try await ScenarioRunner.run(scenario, seed: 100)
        #expect(first.text == second.text)
        #expect(try first.json() == second.json())
        #expect(first.seed == 99 && other.seed == 100)
        #expect(first.stack("full").latency != other.stack("full").latency)
        #expect(try first.json() != other.json())
        #expect(first.stack("full").requests > 0)
        #expect(first.timeline.map(\.change) == ["becomes gray ×4.0", "becomes coldStart 3s as blackHole, latency 8ms", "wall clock steps -2s"])
        #expect(first.text.contains("at +15.000s wall clock steps -2s"))
    }

    @Test("the report's JSON decodes back to the same report (traffic ticks aside)")
    func jsonRoundTrip() async throws {
        let report = try await ScenarioRunner.run(smallScenario())
        let decoded = try JSONDecoder().decode(SimulationReport.self, from: report.json())
        #expect(try decoded.json() == report.json())
        #expect(decoded.stack().targets.map(\.name) == ["a", "b", "c"])
    }

    @Test("round-robin spreads evenly; the time series shares add up to one per bucket")
    func timeSeries() async throws {
        let report = try await ScenarioRunner.run(smallScenario())
        let stack = report.stack()
        #expect(stack.requests == stack.targets.reduce(0) { $0 + $1.requests })
        #expect(Set(stack.targets.map(\.requests)).count <= 2)  // differ by at most one
        #expect(stack.timeSeries.buckets.count == 10)
        #expect(stack.timeSeries.bucketWidth == .seconds(2))
        for bucket in stack.timeSeries.buckets where bucket.requests > 0 {
            #expect(abs(bucket.targets.reduce(0) { $0 + $1.share } - 1) < 1e-9)
            #expect(bucket.p50 >= .milliseconds(10))
        }
        #expect(stack.timeSeries.buckets.reduce(0) { $0 + $1.requests } == stack.requests)
    }

    @Test("a failing expectation is reported with a message, and the report does not pass")
    func failingExpectations() throws {
        let report = try await ScenarioRunner.run(smallScenario(
            targets: [.init("a"), .init("b", behaviour: .dead(after: .milliseconds(1)))],
            expectations: [
                .successRatio(atLeast: 0.9), .noTraffic(target: "b"), .latency(percentile: 50, atMost: .milliseconds(50)),
                .maxInFlight(atMost: 0, target: "a"), .allDown(.shed),
            ]))
        #expect(!report.passed)
        #expect(report.expectations.map(\.passed) == [false, false, true, false, false])
        #expect(report.expectations[0].message.contains("is below 90.00%"))
        #expect(report.expectations[1].message.contains("target b got"))
        #expect(report.expectations[4].message.contains("never out at once"))
        #expect(report.text.contains("FAIL successRatio(atLeast: 0.9)"))
    }

    @Test("the circuit breaker sends nothing to an open target and records its transitions in order")
    func breakerTransitions() throws {
        let report = try await ScenarioRunner.run(smallScenario(
            seconds: 30, timeline: [.init(at: .seconds(5), target: "c", become: .dead(after: .milliseconds(1)))],
            stack: .init(balancer: .circuitBreaker(.init(failureThreshold: 2, openTimeout: .seconds(2)))),
            expectations: [.noTrafficWhileOpen(target: "c"), .noTraffic(target: "c", window: TimeWindow(from: .seconds(6), to: .seconds(7)))]))
        #expect(report.passed, "\(report.failures.map(\.message))")
        let transitions = report.stack().transitions
        #expect(transitions.first?.reason == "trip")
        #expect(transitions.first.map { $0.at > .seconds(5) && $0.at < .seconds(6) } == true)
        #expect(transitions.map(\.at) == transitions.map(\.at).sorted())
        #expect(transitions.allSatisfy { $0.source == "circuit-breaker" && $0.target == "c" })
        #expect(report.target("c").requests(during: TimeWindow(from: .seconds(6), to: .seconds(7))) == 0)
        #expect(report.target("c").requests(during: TimeWindow(to: .seconds(5))) > 0)
    }

    @Test("retries rescue GETs from a dead target but not POSTs, which the Upstream middleware never retries")
    func retriesSkipPosts() async throws {
        var scenario = smallScenario(
            targets: [.init("a"), .init("b", behaviour: .dead(after: .milliseconds(1)))],
            stack: .init(balancer: .roundRobin, upstream: .init(retries: 1, backoff: .milliseconds(5))))
        scenario.workload.mix = [.init(method: "GET", path: "/", weight: 1), .init(method: "POST", path: "/orders", weight: 1)]
        let stack = try await ScenarioRunner.run(scenario).stack()
        scenario.stacks[0].upstream?.retries = 0
        let withoutRetries = try await ScenarioRunner.run(scenario).stack()
        let failed = stack.statuses.first { $0.status == "502" }?.count ?? 0
        let failedWithoutRetries = withoutRetries.statuses.first { $0.status == "502" }?.count ?? 0
        #expect(stack.attempts.total > stack.requests)  // the retries
        #expect(withoutRetries.attempts.total == withoutRetries.requests)
        #expect(failed > 0)  // POSTs sent to b
        #expect(Double(failed) < 0.8 * Double(failedWithoutRetries))  // GETs rescued
        #expect(stack.target("b").requests > 0)
    }

    @Test("a total deadline answers 504 when a black hole swallows the request")
    func deadline() async throws {
        let report = try await ScenarioRunner.run(smallScenario(
            targets: [.init("a", behaviour: .blackHole)], stack: .init(balancer: .roundRobin, deadline: .seconds(1))))
        let stack = report.stack()
        #expect(stack.statuses == [StatusCount(status: "504", count: stack.requests)])
        #expect(stack.latency.p50 == .seconds(1))
        #expect(stack.target("a").statuses.allSatisfy { $0.status == "cancelled" })
    }

    @Test("requests still unanswered when the drain ends are cancelled and counted as unfinished")
    func unfinished() async throws {
        let report = try await ScenarioRunner.run(smallScenario(seconds: 5, targets: [.init("a", behaviour: .blackHole)]))
        let stack = report.stack()
        #expect(stack.unfinished == stack.requests)
        #expect(stack.successRatio == 0)
        #expect(stack.virtualTime == .seconds(10))
    }

    @Test("a closed loop of clients sends about clients × duration / (latency + think time)")
    func closedLoop() async throws {
        var scenario = smallScenario(seconds: 10, targets: [.init("a", latency: .fixed(.milliseconds(40)))])
        scenario.workload = Scenario.Workload(arrivals: .closedLoop(clients: 5, thinkTime: .fixed(.milliseconds(60))))
        let stack = try await ScenarioRunner.run(scenario).stack()
        #expect((490...505).contains(stack.requests))
        #expect(stack.target("a").peakInFlight <= 5)
    }

    @Test("a burst multiplies the arrival rate during its window")
    func burst() async throws {
        var scenario = smallScenario(seconds: 20, rate: 50)
        scenario.workload = .poisson(rate: 50, bursts: [.init(from: .seconds(10), to: .seconds(20), multiplier: 4)])
        let buckets = try await ScenarioRunner.run(scenario).stack().timeSeries.buckets
        let before = buckets[0..<5].reduce(0) { $0 + $1.requests }
        let during = buckets[5..<10].reduce(0) { $0 + $1.requests }
        #expect(Double(during) / Double(before) > 3.3)
        #expect(Double(during) / Double(before) < 4.7)
    }

    @Test("an invalid scenario built in Swift is rejected before running")
    func validation() async {
        let scenario = smallScenario(timeline: [.init(at: .seconds(1), target: "nope", become: .blackHole)])
        await #expect {
            try await ScenarioRunner.run(scenario)
        } throws: { error in
            (error as? ScenarioError)?.description == "<scenario>: unknown target \"nope\" in timeline[0] (known targets: a, b, c)"
        }
    }

    @Test("the health check's probes are counted apart and its down marks keep traffic off")
    func healthCheck() throws {
        let report = try await ScenarioRunner.run(smallScenario(
            seconds: 30, timeline: [.init(at: .seconds(10), target: "b", become: .blackHole)],
            stack: .init(balancer: .roundRobin, healthCheck: .init(interval: .seconds(1), timeout: .milliseconds(200), unhealthyThreshold: 2),
                         transportTimeout: .milliseconds(500)),
            expectations: [.noTrafficWhileOpen()]))
        #expect(report.passed, "\(report.failures.map(\.message))")
        let b = report.target("b")
        #expect(b.probes >= 30)
        #expect(b.failedProbes >= 18)
        #expect(report.stack().transitions.first.map { "\($0.source) \($0.reason) \($0.cause)" } == "health-check probe_down timeout")
    }
}
