import HTTPTypes
import ParapetCore
import ParapetUpstream
import Synchronization
import Testing

/// A backend whose health probes (`/healthz`) answer as its current mode says; other requests get `200`.
final class ProbedBackend: Sendable {
    enum Mode: Sendable {
        case healthy, unhealthy, refusing, hanging
        case bigBody(Gauge)
    }

    struct RefusedError: Error, ProbeCauseConvertible {
        var probeCause: ProbeCause { .refused }
    }

    let mode: Mutex<Mode>
    /// When each probe arrived, in whole virtual seconds.
    let probeTimes = Observations<Int64>()
    let probes = Observations<UpstreamRequest>()

    init(_ mode: Mode = .healthy) {
        self.mode = Mutex(mode)
    }

    func set(_ mode: Mode) {
        self.mode.withLock { $0 = mode }
    }

    var transport: StubTransport {
        StubTransport { [self] request, context in
            guard request.head.path == "/healthz" else {
                return UpstreamResponse(response: .text("ok\n"), target: request.target)
            }
            probeTimes.append(context.runtime.clock.now.offset.components.seconds)
            probes.append(request)
            switch mode.withLock({ $0 }) {
            case .healthy:
                return UpstreamResponse(response: .text("ok\n"), target: request.target)
            case .unhealthy:
                return UpstreamResponse(response: .error(.serviceUnavailable), target: request.target)
            case .refusing:
                throw UpstreamError.failed(target: request.target, underlying: RefusedError())
            case .hanging:
                try await context.runtime.clock.sleep(for: .seconds(3_600))
                throw StubFailure()
            case .bigBody(let pulled):
                let body = ScriptedBody(chunks: 1_000, chunkSize: 1_024, pulled: pulled)
                return UpstreamResponse(response: Response(status: .ok, body: body.httpBody), target: request.target)
            }
        }
    }
}

@Suite("Active health check")
struct ActiveHealthCheckTests {
    static func check(
        _ backends: [ProbedBackend],
        options: ActiveHealthCheck.Options = .init(path: "/healthz")
    ) throws -> (TargetPool, ActiveHealthCheck) {
        let pool = TargetPool(backends.indices.map { Target("t\($0)", transport: backends[$0].transport) })
        return (pool, try ActiveHealthCheck(pool, options: options, next: RoundRobinBalancer(pool)))
    }

    @Test("probes at once and every 10 s; three failures close the gate, one success opens it")
    func defaultThresholds() async throws {
        let backend = ProbedBackend(.unhealthy)
        let changes = Observations<StateChange>()
        let (pool, check) = try Self.check([backend], options: .init(path: "/healthz", onStateChange: { changes.append($0) }))
        let gates = try await simulate { runtime in
            check.start(runtime: runtime)
            var gates: [Bool] = []
            try await runtime.clock.sleep(until: at(15))
            gates.append(pool.isUp(0))
            try await runtime.clock.sleep(until: at(25))
            gates.append(pool.isUp(0))
            backend.set(.healthy)
            try await runtime.clock.sleep(until: at(35))
            gates.append(pool.isUp(0))
            return gates
        }
        #expect(gates == [true, false, true])
        #expect(backend.probeTimes.elements == [0, 10, 20, 30])
        #expect(changes.elements == [
            StateChange(target: "t0", from: .closed, to: .open, reason: .probeDown, cause: .status),
            StateChange(target: "t0", from: .open, to: .closed, reason: .probeRecover),
        ])
    }

    @Test("custom thresholds: down after one failure, up after two successes")
    func customThresholds() async throws {
        let backend = ProbedBackend(.unhealthy)
        let options = ActiveHealthCheck.Options(path: "/healthz", healthyThreshold: 2, unhealthyThreshold: 1)
        let (pool, check) = try Self.check([backend], options: options)
        let gates = try await simulate { runtime in
            check.start(runtime: runtime)
            var gates: [Bool] = []
            for second in [5, 15, 25] as [Int64] {
                try await runtime.clock.sleep(until: at(second))
                gates.append(pool.isUp(0))
                backend.set(.healthy)
            }
            return gates
        }
        #expect(gates == [false, false, true])
    }

    @Test("with startUnhealthy targets begin down and the first healthy probe admits them")
    func startUnhealthy() async throws {
        let backend = ProbedBackend(.healthy)
        let changes = Observations<StateChange>()
        let options = ActiveHealthCheck.Options(path: "/healthz", startUnhealthy: true, onStateChange: { changes.append($0) })
        let (pool, check) = try Self.check([backend], options: options)
        let gates = try await simulate { runtime in
            check.start(runtime: runtime)
            let atStart = pool.isUp(0)
            try await runtime.clock.sleep(for: .seconds(1))
            return [atStart, pool.isUp(0)]
        }
        #expect(gates == [false, true])
        #expect(changes.elements == [StateChange(target: "t0", from: .open, to: .closed, reason: .probeRecover)])
    }

    @Test("stop is idempotent and the probe loops end with it")
    func stopEndsProbing() async throws {
        let backend = ProbedBackend(.healthy)
        let (_, check) = try Self.check([backend])
        try await simulate { runtime in
            check.start(runtime: runtime)
            check.start(runtime: runtime)
            try await runtime.clock.sleep(until: at(15))
            check.stop()
            check.stop()
            try await runtime.clock.sleep(until: at(100))
        }
        #expect(backend.probeTimes.elements == [0, 10])
    }

    @Test("stopped before it started, it never probes and forces every gate up")
    func stopBeforeStart() async throws {
        let backend = ProbedBackend(.unhealthy)
        let (pool, check) = try Self.check([backend], options: .init(path: "/healthz", startUnhealthy: true))
        pool.setUp(0, false)
        check.stop()
        #expect(pool.isUp(0))
        let routes = try await simulate { runtime in
            check.start(runtime: runtime)
            let routes = try await route(1, through: check, context: makeContext(runtime))
            try await runtime.clock.sleep(for: .seconds(60))
            return routes
        }
        #expect(routes == ["t0"])
        #expect(backend.probeTimes.elements.isEmpty)
        #expect(pool.isUp(0))
    }

    @Test("without an explicit start, the first round trip starts probing")
    func lazyStart() async throws {
        let backend = ProbedBackend(.healthy)
        let (_, check) = try Self.check([backend])
        try await simulate { runtime in
            try await runtime.clock.sleep(until: at(5))
            #expect(backend.probeTimes.elements.isEmpty)
            _ = try await route(2, through: check, context: makeContext(runtime))
            try await runtime.clock.sleep(until: at(20))
        }
        #expect(backend.probeTimes.elements == [5, 15])
    }

    @Test("a probe is a bodyless GET for the path with a leading slash, sent to and Host-ed as the target")
    func probeRequest() async throws {
        let backend = ProbedBackend(.healthy)
        let (_, check) = try Self.check([backend], options: .init(path: "healthz"))
        #expect(check.options.path == "/healthz")
        try await simulate { runtime in
            check.start(runtime: runtime)
            try await runtime.clock.sleep(for: .seconds(1))
        }
        let probe = try #require(backend.probes.elements.first)
        #expect(probe.head.method == .get)
        #expect(probe.head.scheme == "http")
        #expect(probe.head.path == "/healthz")
        #expect(probe.head.authority == "t0")
        #expect(probe.target == "t0")
        #expect(probe.body.isKnownEmpty)
    }

    @Test("a probe transport, when set, carries the probes instead of the target's own transport")
    func probeTransport() async throws {
        let target = ProbedBackend(.healthy)
        let prober = ProbedBackend(.unhealthy)
        let options = ActiveHealthCheck.Options(path: "/healthz", unhealthyThreshold: 1, probeTransport: prober.transport)
        let (pool, check) = try Self.check([target], options: options)
        try await simulate { runtime in
            check.start(runtime: runtime)
            try await runtime.clock.sleep(for: .seconds(1))
        }
        #expect(target.probeTimes.elements.isEmpty)
        #expect(prober.probes.elements.map(\.target) == ["t0"])
        #expect(!pool.isUp(0))
    }

    @Test("a probe that outlasts the timeout fails as a timeout, and the schedule keeps its interval")
    func timeout() async throws {
        let backend = ProbedBackend(.hanging)
        let changes = Observations<StateChange>()
        let options = ActiveHealthCheck.Options(path: "/healthz", unhealthyThreshold: 1, onStateChange: { changes.append($0) })
        let (pool, check) = try Self.check([backend], options: options)
        let gates = try await simulate { runtime in
            check.start(runtime: runtime)
            try await runtime.clock.sleep(until: MonotonicInstant(offset: .milliseconds(4_999)))
            let before = pool.isUp(0)
            try await runtime.clock.sleep(until: at(6))
            return [before, pool.isUp(0)]
        }
        #expect(gates == [true, false])
        #expect(changes.elements.map(\.cause) == [.timeout])
        #expect(backend.probeTimes.elements == [0])
    }

    @Test("failure causes: a transport's own classification, through UpstreamError.failed, and a custom verdict")
    func causes() async throws {
        let refusing = ProbedBackend(.refusing)
        let healthyButRejected = ProbedBackend(.healthy)
        let changes = Observations<StateChange>()
        let options = ActiveHealthCheck.Options(
            path: "/healthz",
            unhealthyThreshold: 1,
            isHealthy: { outcome in (try? outcome.get())?.headerFields[.contentType] == "application/json" },
            onStateChange: { changes.append($0) }
        )
        let (_, check) = try Self.check([refusing, healthyButRejected], options: options)
        try await simulate { runtime in
            check.start(runtime: runtime)
            try await runtime.clock.sleep(for: .seconds(1))
        }
        let causes = changes.elements.sorted { $0.target < $1.target }.map(\.cause)
        #expect(causes == [.refused, .status])
    }

    @Test("stopping, or the spawner shutting down, during a probe never marks a target down")
    func cancellationIsNoVerdict() async throws {
        let stopped = ProbedBackend(.hanging)
        let shutDown = ProbedBackend(.hanging)
        let changes = Observations<StateChange>()
        let options = ActiveHealthCheck.Options(path: "/healthz", unhealthyThreshold: 1, onStateChange: { changes.append($0) })
        let (stoppedPool, stoppedCheck) = try Self.check([stopped], options: options)
        let (shutDownPool, shutDownCheck) = try Self.check([shutDown], options: options)
        try await simulate { runtime in
            stoppedCheck.start(runtime: runtime)
            shutDownCheck.start(runtime: runtime)
            try await runtime.clock.sleep(for: .seconds(2))
            stoppedCheck.stop()
            try await runtime.clock.sleep(for: .seconds(1))
        }
        #expect(changes.elements.isEmpty)
        #expect(stoppedPool.isUp(0) && shutDownPool.isUp(0))
        #expect(stopped.probeTimes.elements == [0] && shutDown.probeTimes.elements == [0])
    }

    @Test("a probe reads at most 4 KiB of the answer's body")
    func drainsAtMost4KiB() async throws {
        let pulled = Gauge()
        let backend = ProbedBackend(.bigBody(pulled))
        let (pool, check) = try Self.check([backend], options: .init(path: "/healthz", unhealthyThreshold: 1))
        try await simulate { runtime in
            check.start(runtime: runtime)
            try await runtime.clock.sleep(for: .seconds(1))
        }
        #expect(pulled.value == 4)
        #expect(pool.isUp(0))
    }

    @Test("the gate removes candidates from the wrapped balancer's own rotation")
    func gateSteersTheBalancer() async throws {
        let backends = [ProbedBackend(), ProbedBackend(.unhealthy), ProbedBackend()]
        let (_, check) = try Self.check(backends, options: .init(path: "/healthz", unhealthyThreshold: 1))
        let routes = try await simulate { runtime in
            check.start(runtime: runtime)
            try await runtime.clock.sleep(for: .seconds(1))
            return try await route(4, through: check, context: makeContext(runtime))
        }
        #expect(routes == ["t0", "t2", "t2", "t0"])
    }

    @Test("nonsensical options are rejected naming the field")
    func validation() {
        let rejected: [(ActiveHealthCheck.Options, String)] = [
            (.init(interval: .zero), "interval"),
            (.init(timeout: .seconds(-5)), "timeout"),
            (.init(healthyThreshold: 0), "healthyThreshold"),
            (.init(unhealthyThreshold: -1), "unhealthyThreshold"),
        ]
        let pool = TargetPool([])
        for (options, field) in rejected {
            #expect {
                _ = try ActiveHealthCheck(pool, options: options, next: RoundRobinBalancer(pool))
            } throws: { error in
                guard case ConfigurationError.invalidValue(let named, _) = error else { return false }
                return named == field
            }
        }
    }
}
