import HTTPTypes
import ParapetSimulation
import ParapetTesting
import ParapetUpstream
import Testing

// The example of ParapetTesting's article "Testing all-down semantics", line for line.

@Test func theBreakerShedsWhenEveryOriginIsDead() async throws {
    let test = ChainTest(seed: 7)
    let fleet = test.fleet(.init("a", behaviour: .dead(after: .zero)), .init("b", behaviour: .dead(after: .zero)))
    let breaker = CircuitBreakerBalancer(fleet.pool(), options: .init(failureThreshold: 3, openTimeout: .seconds(10)))

    try await test.run(Upstream(breaker, .init(retries: 0))) { client in
        // Three refused connections per origin open both circuits.
        for _ in 0..<6 {
            #expect(try await client.execute(.get, "/").status == .badGateway)
        }
        #expect(breaker.state(of: "a") == .open && breaker.state(of: "b") == .open)

        // All down: the breaker sheds at once, contacting no origin, rather than failing open.
        #expect(try await client.execute(.get, "/").status == .serviceUnavailable)
        #expect(fleet.backends.map(\.requestCount) == [3, 3])

        // After the cooldown, a probe goes through; it fails, and its circuit opens again.
        try await client.sleep(for: .seconds(10))
        #expect(try await client.execute(.get, "/").status == .badGateway)
        #expect(fleet.backends.map(\.requestCount) == [4, 3])
    }
}
