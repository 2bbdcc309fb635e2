// Per-decision cost of ParapetUpstream's balancing state machines.
//
// Each benchmark drives one pure state machine the way its balancer does on every request — a pick,
// then the matching record or release — with no locks, transports or bodies, so what is measured is
// the decision itself. Built once, before measuring; every target is up unless a name says otherwise.
//
//   Balancer/round-robin pick (3 targets)                   RoundRobinRotation.pick
//   Balancer/smooth weighted pick (3 targets, 5:1:1)        SmoothWeightedRoundRobin.pick
//   Balancer/smooth weighted pick (32 targets)              the same, scanning 32 peers
//   Balancer/least-connections pick + release (3 targets)   LeastConnectionsBalancer.StateMachine.pick, then release
//   Balancer/least-connections pick + release (32 targets)  the same, scanning 32 peers
//   Balancer/least-connections pick, one target down        the gate-skipping path
//   Balancer/ejecting pick + record success (3 targets)     EjectingBalancer.StateMachine.pick, then record
//   Balancer/ejecting pick + record failure (3 targets)     failures that eject and re-eject targets
//   Balancer/health-check record (alternating)              ActiveHealthCheck.StateMachine.record
//
// Each sample runs `scalingFactor` (1000) decisions; the text output divides by it, so the numbers
// printed are per decision (`--scale` prints them per 1000 decisions instead).
//
// CPU time is the custom metric `cpuTime` (getrusage, microsecond resolution), as in ChainBenchmarks:
// the built-in `.cpuTotal` reads /proc/self/stat in 10 ms ticks, far coarser than one sample.
//
import Benchmark
import ParapetCore
import ParapetUpstream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time (user + system) of the whole process, in nanoseconds per decision once scaled.
let cpuTime = BenchmarkMetric.custom("CPU time (total, ns)")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, cpuTime, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 100,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 20_000
    )

    registerDecisionBenchmark("Balancer/round-robin pick (3 targets)", RoundRobinRotation(count: 3)) { rotation in
        blackHole(rotation.pick { _ in true })
    }

    registerDecisionBenchmark(
        "Balancer/smooth weighted pick (3 targets, 5:1:1)",
        SmoothWeightedRoundRobin(weights: [5, 1, 1])
    ) { rotation in
        blackHole(rotation.pick { _ in true })
    }

    registerDecisionBenchmark(
        "Balancer/smooth weighted pick (32 targets)",
        SmoothWeightedRoundRobin(weights: (1...32).map { $0 % 4 + 1 })
    ) { rotation in
        blackHole(rotation.pick { _ in true })
    }

    for count in [3, 32] {
        registerDecisionBenchmark(
            "Balancer/least-connections pick + release (\(count) targets)",
            LeastConnectionsBalancer.StateMachine(peers: (0..<count).map { .init(weight: $0 % 3 + 1, cap: 100) })
        ) { table in
            if case .admit(let index) = table.pick(isAdmissible: { _ in true }) {
                table.release(index)
            }
        }
    }

    registerDecisionBenchmark(
        "Balancer/least-connections pick, one target down",
        LeastConnectionsBalancer.StateMachine(peers: Array(repeating: .init(cap: 100), count: 3))
    ) { table in
        if case .admit(let index) = table.pick(isAdmissible: { $0 != 1 }) {
            table.release(index)
        }
    }

    let now = MonotonicInstant(offset: .seconds(1))
    let tracker = EjectingBalancer.StateMachine(count: 3, maxFails: 3, ejectTimeout: .seconds(30), maxEjectTimeout: .seconds(300))
    registerDecisionBenchmark("Balancer/ejecting pick + record success (3 targets)", tracker) { tracker in
        if let index = tracker.pick(at: now, isAdmissible: { _ in true }) {
            blackHole(tracker.record(index, isFailure: false, at: now))
        }
    }

    // Time moves 10 s per decision, so targets keep being ejected, expiring and ejected again.
    registerDecisionBenchmark("Balancer/ejecting pick + record failure (3 targets)", (tracker, now)) { state in
        state.1 = state.1.advanced(by: .seconds(10))
        if let index = state.0.pick(at: state.1, isAdmissible: { _ in true }) {
            blackHole(state.0.record(index, isFailure: true, at: state.1))
        }
    }

    registerDecisionBenchmark(
        "Balancer/health-check record (alternating)",
        (ActiveHealthCheck.StateMachine(isUp: true, healthyThreshold: 1, unhealthyThreshold: 1), false)
    ) { state in
        state.1.toggle()
        blackHole(state.0.record(healthy: state.1))
    }

    registerResilienceBenchmarks()
}

/// Registers a benchmark that runs `decide` once per scaled iteration on its own copy of `initial`.
func registerDecisionBenchmark<State>(
    _ name: String,
    _ initial: State,
    _ decide: @escaping (inout State) -> Void
) {
    Benchmark(name) { benchmark in
        var state = initial
        let cpuAtStart = processCPUTimeNanoseconds()
        for _ in benchmark.scaledIterations {
            decide(&state)
        }
        benchmark.measurement(cpuTime, processCPUTimeNanoseconds() - cpuAtStart)
        blackHole(state)
    }
}

/// User plus system CPU time consumed by this process so far.
func processCPUTimeNanoseconds() -> Int {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func nanoseconds(_ time: timeval) -> Int { Int(time.tv_sec) * 1_000_000_000 + Int(time.tv_usec) * 1_000 }
    return nanoseconds(usage.ru_utime) + nanoseconds(usage.ru_stime)
}
