import Foundation
import ParapetScenarios
import ParapetSimulation
import ParapetTestSupport
import Testing

/// The bundled Redis outage: the real `RateLimit` middleware with a shared fixed window over a simulated
/// Redis that dies, comes back and is cut off.
@Suite("Redis outage scenario", .cpuHeavy)
struct RedisOutageScenarioTests {
    @Test("failing open admits everything while Redis is gone; failing closed refuses everything; both limit bursts otherwise")
    func failOpenAndClosedDuringTheOutage() async throws {
        let scenario = try Scenario.load(contentsOf: simulationsFolder.appendingPathComponent("redis-outage.yaml"))
        let report = try await scenario.run()
        #expect(report.passed, "\(report.failures.map(\.message))")

        let open = try #require(report.stack("fail-open").rateLimit)
        let closed = try #require(report.stack("fail-closed").rateLimit)
        #expect(open.outages.map(\.state) == ["down", "partitioned"])
        #expect(closed.outages.map(\.state) == ["down", "partitioned"])
        for outage in open.outages {
            #expect(outage.requests > 0 && outage.successes == outage.requests && outage.limited == 0)
            #expect(outage.storeFailures > 0)
        }
        for outage in closed.outages {
            #expect(outage.requests > 0 && outage.successes == 0 && outage.limited == outage.requests)
        }
        // The bursts outside the outages are limited by both.
        let limitedOutside = { (limit: RateLimitReport) in limit.limited - limit.outages.reduce(0) { $0 + $1.limited } }
        #expect(limitedOutside(open) > 0)
        #expect(limitedOutside(open) == limitedOutside(closed))
        // Down refuses at once; the partition times out at the client's timeout.
        #expect(open.redis.refused > 0 && open.redis.timedOut > 0)
        #expect(open.redis.answered + open.redis.refused + open.redis.timedOut == open.redis.calls)
        #expect(report.text.contains("[20.000s, 40.000s) down"))
    }

    @Test("a redis step or section in a scenario whose stacks have no rate limit is an error at its field")
    func redisStepNeedsARateLimit() throws {
        let yaml = """
            duration: 10s
            targets: [{name: a}]
            timeline: [{at: 1s, redis: down}]
            workload: {rate: 10}
            stack: {balancer: round-robin}
            """
        #expect {
            try Scenario(yaml: yaml, file: "redis.yaml")
        } throws: { error in
            let error = try #require(error as? ScenarioError)
            return error.field == "timeline[0].redis" && error.line == 3 && error.message.contains("no stack has a rateLimit")
        }
        #expect(throws: ScenarioError.self) {
            try Scenario(yaml: yaml.replacingOccurrences(of: "redis: down", with: "redis: sideways"), file: "redis.yaml")
        }
        #expect {
            try Scenario(
                yaml: yaml.replacingOccurrences(of: "timeline: [{at: 1s, redis: down}]", with: "redis: {timeout: 50ms}"),
                file: "redis.yaml")
        } throws: { error in
            (error as? ScenarioError)?.field == "redis"
        }
    }
}
