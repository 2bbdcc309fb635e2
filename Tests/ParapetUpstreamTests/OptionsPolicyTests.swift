import Foundation
import HTTPTypes
import ParapetCore
import ParapetUpstream
import Testing

/// Each reliability type's options keep their plain values in a `Policy` that compares, decodes with the
/// defaults filling what a file leaves out, and reads and writes through the options themselves.
@Suite("Options policies")
struct OptionsPolicyTests {
    @Test("a decoded policy keeps the defaults of the fields it does not name")
    func decodingFillsDefaults() throws {
        let policy = try JSONDecoder().decode(
            CircuitBreakerBalancer.Options.Policy.self, from: Data(#"{"failureThreshold": 3}"#.utf8))
        #expect(policy == CircuitBreakerBalancer.Options.Policy(failureThreshold: 3))
        #expect(policy.openTimeout == CircuitBreakerBalancer.Options().openTimeout)

        let check = try JSONDecoder().decode(ActiveHealthCheck.Options.Policy.self, from: Data(#"{"method": "HEAD"}"#.utf8))
        #expect(check.method == .head && check.interval == .seconds(10))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ActiveHealthCheck.Options.Policy.self, from: Data(#"{"method": "NOT A METHOD"}"#.utf8))
        }
    }

    @Test("every policy survives encoding and decoding")
    func roundTrips() throws {
        func roundTrip<Policy: Codable & Equatable>(_ policy: Policy) throws {
            #expect(try JSONDecoder().decode(Policy.self, from: JSONEncoder().encode(policy)) == policy)
        }
        try roundTrip(EjectingBalancer.Options.Policy(maxFails: 7, maxEjectTimeout: .seconds(9)))
        try roundTrip(CircuitBreakerBalancer.Options.Policy(probeTimeout: .milliseconds(1_500), halfOpenMaxProbes: 2))
        try roundTrip(LatencyEjectingBalancer.Options.Policy(ejectionFactor: 4.5, minEjectLatency: .milliseconds(200)))
        try roundTrip(HedgingBalancer.Options.Policy(hedgeDelay: .milliseconds(30), maxHedge: 2, hedgeOnError: false))
        try roundTrip(ActiveHealthCheck.Options.Policy(path: "/healthz", method: .head, startUnhealthy: true))
        try roundTrip(Upstream.Options.Policy(path: "/api", host: "backend.internal", retries: 1))
    }

    @Test("the policy's fields read and write through the options, and the flat initialiser fills the policy")
    func fieldsThroughTheOptions() {
        var options = EjectingBalancer.Options(maxFails: 2, isFailure: FailureClassifiers.transportFailuresAndServerErrors)
        #expect(options.policy == EjectingBalancer.Options.Policy(maxFails: 2))
        options.ejectTimeout = .seconds(5)
        #expect(options.policy.ejectTimeout == .seconds(5))
        options.policy = EjectingBalancer.Options.Policy(maxFails: 9)
        #expect(options.maxFails == 9 && options.ejectTimeout == .seconds(30))

        let upstream = Upstream.Options(policy: .init(retries: 0))
        #expect(upstream.retries == 0 && upstream.backoff == .milliseconds(50) && upstream.path == "/")
    }

    @Test("a policy's check names each bad field by its coding key, so a file can point at it")
    func checksNameTheCodingKeys() throws {
        let policy = try JSONDecoder().decode(
            LatencyEjectingBalancer.Options.Policy.self, from: Data(#"{"minSamples": 0, "halfLife": "-1s"}"#.utf8))
        #expect {
            _ = try policy.validated()
        } throws: { error in
            (error as? ConfigurationError)?.flattened.compactMap(\.field) == ["minSamples", "halfLife"]
        }
    }
}
