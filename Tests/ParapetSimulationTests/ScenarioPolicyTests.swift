import Foundation
import ParapetCore
import ParapetScenarios
import ParapetSimulation
import ParapetUpstream
import Testing

/// Stack layers decode the production options' policies: their fields, defaults and checks, with durations
/// as text whichever decoder reads them.
@Suite("Scenario stack policies")
struct ScenarioPolicyTests {
    @Test("JSONDecoder reads the text durations inside stack policies, and JSONEncoder writes them as text")
    func foreignDecodersReadTextDurations() throws {
        let fromJSON = try JSONDecoder().decode(Scenario.self, from: Data(sampleJSON.utf8))
        #expect(fromJSON == (try Scenario(yaml: sampleYAML, file: "sample.yaml")))
        #expect(fromJSON.stacks[0].hedging?.hedgeDelay == .milliseconds(40))
        let encoded = String(decoding: try JSONEncoder().encode(fromJSON), as: UTF8.self)
        #expect(encoded.contains(#""hedgeDelay":"40ms""#) && encoded.contains(#""openTimeout":"2s""#))
    }

    /// A stack with `layer` (YAML) in it, loaded.
    private func load(_ layer: String) throws -> Scenario {
        try Scenario(
            yaml: """
                duration: 10s
                targets: [{name: a}]
                workload: {rate: 10}
                stack:
                  \(layer)
                """,
            file: "layer.yaml")
    }

    @Test(
        "a stack layer's bad field is an error at its line and field",
        arguments: [
            ("balancer: round-robin\n  hedging: {delay: 40ms}", "stack.hedging.delay", "unknown field \"delay\""),
            ("balancer: {type: latency-ejecting, failOn5xx: true}", "stack.balancer.failOn5xx", "unknown field \"failOn5xx\""),
            ("balancer: {type: ejecting, ejectTimeout: 10}", "stack.balancer.ejectTimeout", "has no unit"),
            ("balancer: {type: ejecting, ejectTimeout: [10, 0]}", "stack.balancer.ejectTimeout", "expected a string"),
            ("balancer: round-robin\n  hedging: {maxHedge: 2}", "stack.hedging.hedgeDelay", "0 turns hedging off"),
            ("balancer: round-robin\n  healthCheck: {interval: 0s}", "stack.healthCheck.interval", "must be positive"),
            ("balancer: round-robin\n  upstream: {retries: 101}", "stack.upstream.retries", "at most 100"),
        ])
    func badLayerField(_ layer: String, field: String, message: String) throws {
        #expect {
            try load(layer)
        } throws: { error in
            let error = try #require(error as? ScenarioError)
            return error.field == field && error.line != nil && error.message.contains(message)
        }
    }

    @Test("a field a stack layer leaves out takes the production default")
    func defaultsAreProductions() throws {
        let stack = try load("balancer: {type: circuit-breaker, failureThreshold: 2}\n  healthCheck: {interval: 2s}").stacks[0]
        #expect(stack.balancer == .circuitBreaker(CircuitBreakerBalancer.Options.Policy(failureThreshold: 2)))
        #expect(stack.healthCheck?.timeout == ActiveHealthCheck.Options().timeout)
    }
}
