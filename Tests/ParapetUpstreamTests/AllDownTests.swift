import HTTPTypes
import ParapetCore
import ParapetTesting
import ParapetUpstream
import Synchronization
import Testing

/// The reference's "All-down semantics" table: for every balancer of this module, with and without a
/// real ``ActiveHealthCheck`` on top, each way its targets can all be out — driven there by real traffic
/// and, for health gates, by failing probes — and what the next requests get: routed anyway (fail open,
/// panic) or shed with `503` and a reason.
@Suite("All-down semantics")
struct AllDownTests {
    enum Balancer: String, Sendable, CaseIterable {
        case roundRobin, weighted, leastConnections, ejecting, circuitBreaker, latencyEjecting
        case hedgedCircuitBreaker, hedgedLatencyEjecting
    }

    /// How every target is out.
    enum Outage: String, Sendable {
        /// Every probe fails, so the health check takes every gate down.
        case everyGateDown
        /// Every target failed and was ejected (ejecting balancer).
        case everyTargetEjected
        /// Every target failed and its circuit opened (circuit breaker).
        case everyCircuitOpen
        /// One circuit is open and the other targets' probes fail (circuit breaker).
        case openOrGatedDown
        /// Every circuit is half-open with its one probe hanging (circuit breaker).
        case probeBudgetSpent
        /// Every gate is up and every target at its cap of one request (least-connections).
        case everyTargetFull
        /// Every target is at its cap and every probe fails (least-connections).
        case everyGateDownAndFull
        /// Of a, b, c, d the slow a is ejected and the others' probes fail (latency ejection).
        case everyGateUpTargetEjected
        /// Of a … j the slow a, b, c are ejected and f … j's probes fail: three of five gate-up targets
        /// ejected, over the panic threshold (latency ejection).
        case mostTargetsOut
        /// The pool has no targets.
        case emptyPool

        /// The pool's addresses.
        var addresses: [String] {
            switch self {
            case .emptyPool: []
            case .everyGateUpTargetEjected: ["a", "b", "c", "d"]
            case .mostTargetsOut: ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
            default: ["a", "b", "c"]
            }
        }

        /// The targets whose probes fail.
        var failingProbes: [String] {
            switch self {
            case .everyGateDown, .everyGateDownAndFull: addresses
            case .openOrGatedDown: ["b", "c"]
            case .everyGateUpTargetEjected: ["b", "c", "d"]
            case .mostTargetsOut: ["f", "g", "h", "i", "j"]
            default: []
            }
        }

        /// The slow targets a latency-ejecting balancer is to eject.
        var slowTargets: [String] {
            switch self {
            case .everyGateUpTargetEjected: ["a"]
            case .mostTargetsOut: ["a", "b", "c"]
            default: []
            }
        }
    }

    enum Verdict: Hashable, Sendable, CustomStringConvertible {
        /// The next three requests went to these targets (whether or not they answered).
        case routed([String])
        /// The next three requests were shed with this reason, no target contacted.
        case shed(ShedReason)
        /// Anything else.
        case mixed(String)

        var description: String {
            switch self {
            case .routed(let targets): "routes \(targets.joined(separator: " "))"
            case .shed(let reason): "sheds 503 (\(reason.rawValue))"
            case .mixed(let what): what
            }
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var balancer: Balancer
        var healthCheck: Bool
        var outage: Outage
        var expected: Verdict

        var testDescription: String {
            "\(balancer.rawValue)\(healthCheck ? " + health check" : ""), \(outage.rawValue): \(expected)"
        }
    }

    /// Every balancer with and without a health check on top; outages with failing probes need one.
    static let rows: [Row] = [false, true].flatMap { healthCheck in
        let table: [(Balancer, Outage, Verdict)] = [
            (.roundRobin, .everyGateDown, .routed(["a", "b", "c"])),
            (.weighted, .everyGateDown, .routed(["a", "a", "b"])),  // plain smooth weighted over all, 5:1:1
            (.leastConnections, .everyGateDown, .routed(["a", "b", "c"])),
            (.leastConnections, .everyTargetFull, .shed(.saturated)),
            (.leastConnections, .everyGateDownAndFull, .shed(.allDark)),
            (.ejecting, .everyGateDown, .routed(["a", "b", "c"])),
            (.ejecting, .everyTargetEjected, .routed(["a", "b", "c"])),
            (.circuitBreaker, .everyGateDown, .shed(.allOpen)),
            (.circuitBreaker, .everyCircuitOpen, .shed(.allOpen)),
            (.circuitBreaker, .openOrGatedDown, .shed(.allOpen)),
            (.circuitBreaker, .probeBudgetSpent, .shed(.allOpen)),
            (.latencyEjecting, .everyGateDown, .routed(["a", "b", "c"])),  // fail open to the rotation slot
            (.latencyEjecting, .everyGateUpTargetEjected, .routed(["a", "a", "a"])),  // to the ejected, gate-up one
            // Panic: the ejected a … c serve beside d and e (c, ejected last, left the rotation at d).
            (.latencyEjecting, .mostTargetsOut, .routed(["d", "e", "a"])),
            (.hedgedCircuitBreaker, .everyGateDown, .shed(.allOpen)),
            (.hedgedCircuitBreaker, .everyCircuitOpen, .shed(.allOpen)),
            (.hedgedLatencyEjecting, .everyGateDown, .routed(["a", "b", "c"])),
        ]
        let rows = table.filter { healthCheck || $0.1.failingProbes.isEmpty }.map {
            Row(balancer: $0.0, healthCheck: healthCheck, outage: $0.1, expected: $0.2)
        }
        return rows
            + Balancer.allCases.map {
                Row(balancer: $0, healthCheck: healthCheck, outage: .emptyPool, expected: .shed(.empty))
            }
    }

    @Test("when every target is out, each balancer fails open or sheds as the reference says", arguments: rows)
    func allDown(_ row: Row) async throws {
        let (verdict, gates) = try await Self.run(row)
        #expect(verdict == row.expected)
        // The gates are the health check's doing: down exactly for the targets whose probes fail.
        let expectedGates = row.outage.addresses.map { !row.outage.failingProbes.contains($0) }
        #expect(gates == expectedGates)
    }

    /// Builds the pool (a with weight 5, every target with a cap of one request), the balancer and the
    /// health check, drives the outage with traffic and failing probes, then sends three requests.
    static func run(_ row: Row) async throws -> (Verdict, gates: [Bool]) {
        let backends = ScriptedBackends(otherwise: .respond(after: .milliseconds(10)))
        let site = HealthEndpoint(backends)
        let addresses = row.outage.addresses
        let pool = TargetPool(
            addresses.indices.map { index in
                Target(addresses[index], transport: site, weight: index == 0 ? 5 : 1, maxConcurrent: 1)
            })
        let ejections = Recorder<StateChange>()
        let balancer = try makeBalancer(row.balancer, pool: pool, ejections: ejections)
        let check =
            row.healthCheck
            ? ActiveHealthCheck(
                wrapping: balancer, pool: pool,
                options: .init(path: "/healthz", interval: .seconds(1), unhealthyThreshold: 1))
            : nil
        let transport: any Transport = check ?? balancer
        return try await simulate { runtime in
            check?.start(runtime: runtime)
            let context = RequestContext.test(runtime)
            var held: [UpstreamResponse] = []
            switch row.outage {
            case .everyTargetEjected, .everyCircuitOpen:
                for address in addresses { backends.set(address, .fail(after: .milliseconds(1))) }
                for _ in addresses { _ = await transport.outcome(context: context) }
            case .openOrGatedDown:
                backends.set("a", .fail(after: .milliseconds(1)))
                _ = await transport.outcome(context: context)
            case .probeBudgetSpent:
                for address in addresses { backends.set(address, .fail(after: .milliseconds(1))) }
                for _ in addresses { _ = await transport.outcome(context: context) }
                try await runtime.clock.sleep(for: .seconds(6))  // every cooldown has ended
                for address in addresses {
                    backends.set(address, .hang())
                    runtime.spawner.spawn("hanging probe") { _ = await transport.outcome(context: context) }
                }
                try await runtime.clock.sleep(for: .milliseconds(1))
            case .everyTargetFull, .everyGateDownAndFull:
                for address in addresses {
                    backends.set(address, .respond(body: ScriptedBody(chunks: 1).httpBody))
                }
                for _ in addresses { held.append(try await transport.roundTrip(.test(), context: context)) }
            case .everyGateUpTargetEjected, .mostTargetsOut:
                for address in row.outage.slowTargets { backends.set(address, .respond(after: .milliseconds(200))) }
                while ejections.elements.count < row.outage.slowTargets.count {
                    _ = await transport.outcome(context: context)
                }
            case .everyGateDown, .emptyPool:
                break
            }
            if !row.outage.failingProbes.isEmpty {
                site.failProbes(of: row.outage.failingProbes)
                try await runtime.clock.sleep(for: .milliseconds(1_500))  // one more round of probes
            }
            let gates = pool.targets.indices.map(pool.isUp)

            let before = backends.calls.count
            var outcomes: [Result<UpstreamResponse, any Error>] = []
            for _ in 0..<3 {
                let outcome = await transport.outcome(context: context)
                if case .success(let answer) = outcome { _ = try await answer.response.body.collect(upTo: 1 << 10) }
                outcomes.append(outcome)
            }
            withExtendedLifetime(held) {}
            let contacted = Array(backends.targets.dropFirst(before))
            return (verdict(outcomes, contacted: contacted), gates)
        }
    }

    static func makeBalancer(
        _ balancer: Balancer, pool: TargetPool, ejections: Recorder<StateChange>
    ) throws -> any Transport {
        let breaker = CircuitBreakerBalancer.Options(failureThreshold: 1)
        let latency = LatencyEjectingBalancer.Options(minSamples: 5, onStateChange: { ejections.append($0) })
        let hedge = HedgingBalancer.Options(hedgeDelay: .milliseconds(50))
        return switch balancer {
        case .roundRobin: RoundRobinBalancer(pool)
        case .weighted: WeightedRoundRobinBalancer(pool)
        case .leastConnections: LeastConnectionsBalancer(pool)
        case .ejecting: EjectingBalancer(pool, options: .init(maxFails: 1))
        case .circuitBreaker: CircuitBreakerBalancer(pool, options: breaker)
        case .latencyEjecting: LatencyEjectingBalancer(pool, options: latency)
        case .hedgedCircuitBreaker:
            HedgingBalancer(wrapping: CircuitBreakerBalancer(pool, options: breaker), options: hedge)
        case .hedgedLatencyEjecting:
            HedgingBalancer(wrapping: LatencyEjectingBalancer(pool, options: latency), options: hedge)
        }
    }

    /// What three outcomes, and the targets they contacted, amount to.
    static func verdict(_ outcomes: [Result<UpstreamResponse, any Error>], contacted: [String]) -> Verdict {
        let sheds = outcomes.compactMap(\.shedReason)
        if sheds.isEmpty {
            return .routed(contacted)
        }
        if sheds.count == outcomes.count, Set(sheds).count == 1, contacted.isEmpty {
            return .shed(sheds[0])
        }
        return .mixed("sheds \(sheds), contacted \(contacted)")
    }
}

/// The targets' health endpoint in front of their scripted backends: a probe for `/healthz` is answered
/// `200`, or `503` for a target whose probes fail; every other request goes to the backends.
private final class HealthEndpoint: Transport {
    let backends: ScriptedBackends
    private let failing = Mutex<[String]>([])

    init(_ backends: ScriptedBackends) {
        self.backends = backends
    }

    /// From now on, probes of `targets` fail.
    func failProbes(of targets: [String]) {
        failing.withLock { $0 = targets }
    }

    func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        guard request.head.path == "/healthz" else {
            return try await backends.roundTrip(request, context: context)
        }
        let isFailing = failing.withLock { $0.contains(request.target ?? "?") }
        return UpstreamResponse(
            response: Response(status: isFailing ? .serviceUnavailable : .ok), target: request.target)
    }
}
