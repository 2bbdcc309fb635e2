import ParapetCore
import ParapetSimulation
import ParapetUpstream
import Testing

/// What a balancer does when its targets are out — the README's "All-down semantics" table, per
/// balancer of this package, each case driven into its all-down state for real in the simulator.
enum ResilienceAllDownCase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case breakerEveryCircuitOpen
    case breakerEveryGateDown
    case breakerOpenOrGatedDown
    case breakerProbeBudgetSpent
    case breakerEmptyPool
    case latencyEveryGateDown
    case latencyEveryGateUpTargetEjected
    case latencyMostTargetsOut
    case latencyEmptyPool
    case hedgedBreakerEveryCircuitOpen
    case hedgedLatencyEveryGateDown

    /// What the next requests get.
    enum Expected: Equatable {
        /// `503`, with no target contacted.
        case shed(ShedReason)
        /// Routed anyway, to these targets in order.
        case routed([String])
    }

    var expected: Expected {
        switch self {
        case .breakerEveryCircuitOpen, .breakerEveryGateDown, .breakerOpenOrGatedDown, .breakerProbeBudgetSpent,
            .hedgedBreakerEveryCircuitOpen:
            .shed(.allOpen)
        case .breakerEmptyPool, .latencyEmptyPool:
            .shed(.empty)
        case .latencyEveryGateDown, .hedgedLatencyEveryGateDown:
            .routed(["a", "b", "c"])  // fail open to the rotation slot
        case .latencyEveryGateUpTargetEjected:
            .routed(["a", "a", "a"])  // fail open to the ejected, gate-up one
        case .latencyMostTargetsOut:
            .routed(["d", "e", "a"])  // panic: the ejected a serves beside d and e (c's ejection left the cursor at d)
        }
    }

    var testDescription: String { rawValue }
}

/// The all-down table's rows for the resilience balancers (circuit breaker, latency ejection, hedging),
/// in the same suite as the rotation balancers' rows.
extension AllDownTests {
    @Test("when every target is out, each resilience balancer sheds, fails open or panics as the reference says", arguments: ResilienceAllDownCase.allCases)
    func eachBalancerFollowsItsAllDownPolicy(_ scenario: ResilienceAllDownCase) async throws {
        let backends = ScriptedBackends(otherwise: .answer(after: .milliseconds(10)))
        let observed = try await Simulation(seed: 1).run { runtime in
            let context = RequestContext.test(runtime)
            let balancer = try await Self.driveAllDown(scenario, backends: backends, context: context)
            let before = backends.calls.all.count
            var outcomes: [Result<UpstreamResponse, any Error>] = []
            for _ in 0..<3 { outcomes.append(await balancer.outcome(context: context)) }
            return (outcomes, Array(backends.targets.dropFirst(before)))
        }
        let (outcomes, contacted) = observed
        switch scenario.expected {
        case .shed(let reason):
            #expect(outcomes.allSatisfy { $0.shedReason == reason })
            #expect(contacted.isEmpty)
        case .routed(let targets):
            #expect(outcomes.map(\.target) == targets)
            #expect(contacted == targets)
        }
    }

    /// Builds the scenario's balancer and drives it, through real traffic, into its all-down state.
    static func driveAllDown(
        _ scenario: ResilienceAllDownCase,
        backends: ScriptedBackends,
        context: RequestContext
    ) async throws -> any Transport {
        let trips = CircuitBreakerBalancer.Options(failureThreshold: 1)
        switch scenario {
        case .breakerEveryCircuitOpen:
            let breaker = try CircuitBreakerBalancer(
                TargetPool(addresses: ["a", "b", "c"], transport: backends), options: trips)
            await trip(breaker, backends, context)
            return breaker
        case .hedgedBreakerEveryCircuitOpen:
            let breaker = try CircuitBreakerBalancer(
                TargetPool(addresses: ["a", "b", "c"], transport: backends), options: trips)
            await trip(breaker, backends, context)
            return try HedgingBalancer(breaker, options: .init(hedgeDelay: .milliseconds(5)))
        case .breakerEveryGateDown:
            let pool = TargetPool(addresses: ["a", "b", "c"], transport: backends)
            for index in 0..<3 { pool.setUp(index, false) }
            return try CircuitBreakerBalancer(pool)
        case .breakerOpenOrGatedDown:
            let pool = TargetPool(addresses: ["a", "b", "c"], transport: backends)
            let breaker = try CircuitBreakerBalancer(pool, options: trips)
            backends.set("a", .fail(after: .milliseconds(1)))
            _ = await breaker.outcome(context: context)
            pool.setUp(1, false)
            pool.setUp(2, false)
            return breaker
        case .breakerProbeBudgetSpent:
            let breaker = try CircuitBreakerBalancer(TargetPool(addresses: ["a"], transport: backends), options: trips)
            backends.set("a", .fail(after: .milliseconds(1)))
            _ = await breaker.outcome(context: context)
            try await context.runtime.clock.sleep(for: .seconds(6))
            backends.set("a", .hang)
            context.runtime.spawner.spawn("hanging probe") { _ = await breaker.outcome(context: context) }
            try await context.runtime.clock.sleep(for: .milliseconds(1))
            return breaker
        case .breakerEmptyPool:
            return try CircuitBreakerBalancer(TargetPool([]))
        case .latencyEmptyPool:
            return try LatencyEjectingBalancer(TargetPool([]))
        case .latencyEveryGateDown:
            let pool = TargetPool(addresses: ["a", "b", "c"], transport: backends)
            for index in 0..<3 { pool.setUp(index, false) }
            return try LatencyEjectingBalancer(pool)
        case .hedgedLatencyEveryGateDown:
            let pool = TargetPool(addresses: ["a", "b", "c"], transport: backends)
            for index in 0..<3 { pool.setUp(index, false) }
            return try HedgingBalancer(try LatencyEjectingBalancer(pool), options: .init(hedgeDelay: .milliseconds(50)))
        case .latencyEveryGateUpTargetEjected:
            let (balancer, pool) = try await ejecting(slow: ["a"], of: ["a", "b", "c", "d"], backends, context)
            for index in 1..<4 { pool.setUp(index, false) }
            return balancer
        case .latencyMostTargetsOut:
            let addresses = (UInt8(ascii: "a")...UInt8(ascii: "j")).map { String(UnicodeScalar($0)) }
            let (balancer, pool) = try await ejecting(slow: ["a", "b", "c"], of: addresses, backends, context)
            for index in 5..<10 { pool.setUp(index, false) }  // five up, three of them ejected: 60 % > 50 %
            return balancer
        }
    }

    /// Fails every target of `breaker` once, tripping each circuit.
    static func trip(_ breaker: CircuitBreakerBalancer, _ backends: ScriptedBackends, _ context: RequestContext) async {
        for target in breaker.pool.targets { backends.set(target.address, .fail(after: .milliseconds(1))) }
        for _ in breaker.pool.targets { _ = await breaker.outcome(context: context) }
    }

    /// A latency-ejecting balancer over `addresses` whose `slow` targets have been ejected.
    static func ejecting(
        slow: [String],
        of addresses: [String],
        _ backends: ScriptedBackends,
        _ context: RequestContext
    ) async throws -> (LatencyEjectingBalancer, TargetPool) {
        let ejections = Recorder<StateChange>()
        let pool = TargetPool(addresses: addresses, transport: backends)
        let balancer = try LatencyEjectingBalancer(
            pool, options: .init(minSamples: 5, onStateChange: { ejections.record($0) }))
        for address in slow { backends.set(address, .answer(after: .milliseconds(200))) }
        while ejections.all.count < slow.count { _ = await balancer.outcome(context: context) }
        return (balancer, pool)
    }
}
