import HTTPTypes
import ParapetCore
import ParapetUpstream
import Testing

/// The reference's "All-down semantics" table, for every balancer of this module with and without an
/// active health check on top: when every target is out, which target gets the next requests (fail open)
/// or which shed reason answers them (`503`).
@Suite("All-down semantics")
struct AllDownTests {
    enum Balancer: String, Sendable, CaseIterable {
        case roundRobin, weighted, leastConnections, ejecting
    }

    /// How every target is out.
    enum Outage: String, Sendable {
        /// Every health gate is down: set directly, or by failing probes when a health check is on top.
        case healthGates
        /// Every target fails, and was ejected for it (ejecting balancer).
        case ejected
        /// Every gate is up and every target is at its cap (least-connections).
        case full
        /// Every gate is down and every target is at its cap (least-connections).
        case darkAndFull
        /// The pool has no targets.
        case emptyPool
    }

    enum Verdict: Hashable, Sendable, CustomStringConvertible {
        /// The next three requests went to these targets (whether or not they answered).
        case routed([String])
        /// The next request was shed.
        case shed(ShedReason)

        var description: String {
            switch self {
            case .routed(let targets): "routes \(targets.joined(separator: " "))"
            case .shed(let reason): "sheds 503 (\(reason.rawValue))"
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

    static let rows: [Row] = [true, false].flatMap { healthCheck in
        [
            Row(balancer: .roundRobin, healthCheck: healthCheck, outage: .healthGates, expected: .routed(["a", "b", "c"])),
            Row(balancer: .weighted, healthCheck: healthCheck, outage: .healthGates, expected: .routed(["a", "a", "b"])),
            Row(balancer: .leastConnections, healthCheck: healthCheck, outage: .healthGates, expected: .routed(["a", "b", "c"])),
            Row(balancer: .ejecting, healthCheck: healthCheck, outage: .healthGates, expected: .routed(["a", "b", "c"])),
            Row(balancer: .ejecting, healthCheck: healthCheck, outage: .ejected, expected: .routed(["a", "b", "c"])),
            Row(balancer: .leastConnections, healthCheck: healthCheck, outage: .full, expected: .shed(.saturated)),
            Row(balancer: .leastConnections, healthCheck: healthCheck, outage: .darkAndFull, expected: .shed(.allDark)),
        ] + Balancer.allCases.map { Row(balancer: $0, healthCheck: healthCheck, outage: .emptyPool, expected: .shed(.empty)) }
    }

    @Test("when every target is out, each balancer fails open or sheds as the reference says", arguments: rows)
    func allDown(_ row: Row) async throws {
        let verdict = try await simulate { runtime in try await Self.run(row, runtime: runtime) }
        #expect(verdict == row.expected)
    }

    /// Builds the pool — a, b, c with weights 5, 1, 1 and one slot each — and the balancer, brings on the
    /// outage, then sends three requests.
    static func run(_ row: Row, runtime: Runtime) async throws -> Verdict {
        let clock = runtime.clock
        let healthy = row.outage != .healthGates && row.outage != .darkAndFull
        let routes = Observations<String>()
        let backend = StubTransport { request, _ in
            if request.head.path == "/healthz" {
                return UpstreamResponse(response: .error(healthy ? .ok : .serviceUnavailable), target: request.target)
            }
            routes.append(request.target ?? "?")
            if row.outage == .ejected {
                throw UpstreamError.failed(target: request.target, underlying: StubFailure())
            }
            return UpstreamResponse(response: Response(status: .ok, body: ScriptedBody(chunks: 1).httpBody), target: request.target)
        }
        let targets = row.outage == .emptyPool ? [] : [
            Target("a", transport: backend, weight: 5, maxConcurrent: 1),
            Target("b", transport: backend, maxConcurrent: 1),
            Target("c", transport: backend, maxConcurrent: 1),
        ]
        let pool = TargetPool(targets)
        let balancer: any Transport = switch row.balancer {
        case .roundRobin: RoundRobinBalancer(pool)
        case .weighted: WeightedRoundRobinBalancer(pool)
        case .leastConnections: LeastConnectionsBalancer(pool)
        case .ejecting: try EjectingBalancer(pool, options: .init(maxFails: 1))
        }
        let context = makeContext(runtime)
        var transport = balancer
        if row.healthCheck {
            let check = try ActiveHealthCheck(pool, options: .init(path: "/healthz", unhealthyThreshold: 1), next: balancer)
            check.start(runtime: runtime)
            transport = check
        } else if !healthy {
            for index in pool.targets.indices {
                pool.setUp(index, false)
            }
        }
        try await clock.sleep(for: .milliseconds(500))  // the first probes have answered

        var held: [UpstreamResponse] = []
        switch row.outage {
        case .ejected:
            for _ in pool.targets {
                _ = try? await transport.roundTrip(makeRequest(), context: context)
            }
            try await clock.sleep(for: .seconds(1))
        case .full, .darkAndFull:
            for _ in pool.targets {
                held.append(try await transport.roundTrip(makeRequest(), context: context))
            }
        case .healthGates, .emptyPool:
            break
        }
        defer { withExtendedLifetime(held) {} }
        let before = routes.elements.count
        for _ in 0..<3 {
            do {
                let answer = try await transport.roundTrip(makeRequest(), context: context)
                _ = try await answer.response.body.collect(upTo: 1 << 10)
            } catch UpstreamError.unavailable(let reason) {
                return .shed(reason)
            } catch UpstreamError.failed {
                continue  // routed to a failing target: best effort
            }
        }
        return .routed(Array(routes.elements.dropFirst(before)))
    }
}
