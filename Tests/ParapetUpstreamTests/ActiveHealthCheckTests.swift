import HTTPTypes
import ParapetCore
import ParapetTesting
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
    let probeTimes = Recorder<Int64>()
    let probes = Recorder<UpstreamRequest>()

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
                throw BackendFailure()
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
        return (pool, ActiveHealthCheck(wrapping: RoundRobinBalancer(pool), pool: pool, options: options))
    }

    @Test("probes at once and every 10 s; three failures close the gate, one success opens it")
    func defaultThresholds() async throws {
        let backend = ProbedBackend(.unhealthy)
        let changes = Recorder<StateChange>()
        let (pool, check) = try Self.check(
            [backend], options: .init(path: "/healthz", onStateChange: { changes.append($0) }))
        let gates = try await simulate { runtime in
            check.start(runtime: runtime)
            var gates: [Bool] = []
            try await runtime.clock.sleep(until: .at(.seconds(15)))
            gates.append(pool.isUp(0))
            try await runtime.clock.sleep(until: .at(.seconds(25)))
            gates.append(pool.isUp(0))
            backend.set(.healthy)
            try await runtime.clock.sleep(until: .at(.seconds(35)))
            gates.append(pool.isUp(0))
            return gates
        }
        #expect(gates == [true, false, true])
        #expect(backend.probeTimes.elements == [0, 10, 20, 30])
        #expect(
            changes.elements == [
                StateChange(target: "t0", from: .closed, to: .open, reason: .probeDown, cause: .status, sequence: 1),
                StateChange(target: "t0", from: .open, to: .closed, reason: .probeRecover, sequence: 2),
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
                try await runtime.clock.sleep(until: .at(.seconds(second)))
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
        let changes = Recorder<StateChange>()
        let options = ActiveHealthCheck.Options(
            path: "/healthz", startUnhealthy: true, onStateChange: { changes.append($0) })
        let (pool, check) = try Self.check([backend], options: options)
        let gates = try await simulate { runtime in
            check.start(runtime: runtime)
            let atStart = pool.isUp(0)
            try await runtime.clock.sleep(for: .seconds(1))
            return [atStart, pool.isUp(0)]
        }
        #expect(gates == [false, true])
        #expect(
            changes.elements == [StateChange(target: "t0", from: .open, to: .closed, reason: .probeRecover, sequence: 1)])
    }

    @Test("stop is idempotent and the probe loops end with it")
    func stopEndsProbing() async throws {
        let backend = ProbedBackend(.healthy)
        let (_, check) = try Self.check([backend])
        try await simulate { runtime in
            check.start(runtime: runtime)
            check.start(runtime: runtime)
            try await runtime.clock.sleep(until: .at(.seconds(15)))
            check.stop()
            check.stop()
            try await runtime.clock.sleep(until: .at(.seconds(100)))
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
            let routes = try await route(1, through: check, context: RequestContext.test(runtime))
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
            try await runtime.clock.sleep(until: .at(.seconds(5)))
            #expect(backend.probeTimes.elements.isEmpty)
            _ = try await route(2, through: check, context: RequestContext.test(runtime))
            try await runtime.clock.sleep(until: .at(.seconds(20)))
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
        let options = ActiveHealthCheck.Options(
            path: "/healthz", unhealthyThreshold: 1, probeTransport: prober.transport)
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
        let changes = Recorder<StateChange>()
        let options = ActiveHealthCheck.Options(
            path: "/healthz", unhealthyThreshold: 1, onStateChange: { changes.append($0) })
        let (pool, check) = try Self.check([backend], options: options)
        let gates = try await simulate { runtime in
            check.start(runtime: runtime)
            try await runtime.clock.sleep(until: MonotonicInstant(offset: .milliseconds(4_999)))
            let before = pool.isUp(0)
            try await runtime.clock.sleep(until: .at(.seconds(6)))
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
        let changes = Recorder<StateChange>()
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
        let changes = Recorder<StateChange>()
        let options = ActiveHealthCheck.Options(
            path: "/healthz", unhealthyThreshold: 1, onStateChange: { changes.append($0) })
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
            return try await route(4, through: check, context: RequestContext.test(runtime))
        }
        #expect(routes == ["t0", "t2", "t0", "t2"])
    }

    @Test("the loops are spawned outside the check's lock: a spawner may call back into the check")
    func spawnsOutsideTheLock() async throws {
        let backends = [ProbedBackend(.unhealthy), ProbedBackend(.unhealthy)]
        let (pool, check) = try Self.check(backends, options: .init(path: "/healthz", unhealthyThreshold: 1))
        let spawned = Recorder<String>()
        let gates = try await simulate { runtime in
            // A spawner that asks the check to start again, and reads its state, from inside `spawn`.
            let reentrant = CallbackSpawner(base: runtime.spawner) { name in
                spawned.append(name)
                check.start(runtime: runtime)
                _ = check.state(of: "t0")
            }
            check.start(runtime: runtime.replacingSpawner(with: reentrant))
            check.start(runtime: runtime.replacingSpawner(with: reentrant))
            try await runtime.clock.sleep(for: .seconds(1))
            return [pool.isUp(0), pool.isUp(1)]
        }
        #expect(spawned.elements == ["health-check t0", "health-check t1"])  // idempotent: one loop per target
        #expect(gates == [false, false])
        #expect(check.state(of: "t0") == .open)
    }

    @Test("a stop that overtakes a start still spawning cancels its loops")
    func stopDuringStart() async throws {
        let backend = ProbedBackend(.healthy)
        let (_, check) = try Self.check([backend])
        try await simulate { runtime in
            let stopping = CallbackSpawner(base: runtime.spawner) { _ in check.stop() }
            check.start(runtime: runtime.replacingSpawner(with: stopping))
            try await runtime.clock.sleep(for: .seconds(30))
        }
        #expect(backend.probeTimes.elements.count <= 1)
    }

    @Test("state changes are numbered in the order they took effect, across targets")
    func sequenceNumbers() async throws {
        let backends = [ProbedBackend(.unhealthy), ProbedBackend(.healthy)]
        let changes = Recorder<StateChange>()
        let options = ActiveHealthCheck.Options(
            path: "/healthz", unhealthyThreshold: 1, onStateChange: { changes.append($0) })
        let (_, check) = try Self.check(backends, options: options)
        try await simulate { runtime in
            check.start(runtime: runtime)
            try await runtime.clock.sleep(for: .seconds(5))
            backends[1].set(.unhealthy)
            backends[0].set(.healthy)
            try await runtime.clock.sleep(for: .seconds(10))
        }
        #expect(changes.elements.map(\.sequence) == [1, 2, 3])
        #expect(changes.elements.map { "\($0.target) \($0.reason)" } == ["t0 probeDown", "t0 probeRecover", "t1 probeDown"])
        #expect(check.state(of: "t0") == .closed)
        #expect(check.state(of: "t1") == .open)
        #expect(check.state(of: "nowhere") == .closed)
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
                try ActiveHealthCheck(wrapping: RoundRobinBalancer(pool), pool: pool, options: options).checkConfiguration()
            } throws: { error in
                guard case ConfigurationError.invalidValue(let named, let reason) = error else { return false }
                return named == field && reason.contains(", got ")  // the reason names the bad value
            }
        }
    }
}

/// A spawner that calls `onSpawn` with each task's name, from inside `spawn`, before handing the work to
/// `base`.
private struct CallbackSpawner: Spawner {
    let base: any Spawner
    let onSpawn: @Sendable (String) -> Void

    func spawn(_ name: String, _ operation: @escaping @Sendable () async -> Void) -> any SpawnedTask {
        onSpawn(name)
        return base.spawn(name, operation)
    }

    func cancelAll() {
        base.cancelAll()
    }
}

extension Runtime {
    /// This runtime with `spawner` in place of its own.
    fileprivate func replacingSpawner(with spawner: any Spawner) -> Runtime {
        var runtime = self
        runtime.spawner = spawner
        return runtime
    }
}
