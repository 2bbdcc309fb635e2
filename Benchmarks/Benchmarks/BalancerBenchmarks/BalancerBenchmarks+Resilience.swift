// Per-request decision cost of the resilience balancers' state machines: one `pick` plus one `record`,
// with no I/O, no lock and no clock — exactly what `CircuitBreakerBalancer` and `LatencyEjectingBalancer`
// do under their mutex for every request.
//
//   CircuitBreaker/pick+record (8 targets, all closed)       the healthy steady state
//   CircuitBreaker/pick+record (8 targets, half open)        picks skip four open circuits
//   CircuitBreaker/pick (8 targets, all open: shed)          the fail-fast 503 path
//   LatencyEjection/pick+record (8 targets, warm)            every record computes the pool median
//   LatencyEjection/pick+record (64 targets, warm)           the same on a large pool
//
// Each sample runs `scalingFactor` (1000) requests, so the numbers printed are per request. Virtual
// time advances 1 ms per request; open circuits stay open for the whole run (their cooldown is an hour).
//
// `BalancerBenchmarks.swift` registers these with the rest of the balancer benchmarks.

import Benchmark
import ParapetCore
import ParapetUpstream

/// Registers the circuit-breaker and latency-ejection state-machine benchmarks.
func registerResilienceBenchmarks() {
    registerCircuitBreakerBenchmark("CircuitBreaker/pick+record (8 targets, all closed)", openTargets: 0)
    registerCircuitBreakerBenchmark("CircuitBreaker/pick+record (8 targets, half open)", openTargets: 4)
    registerCircuitBreakerBenchmark("CircuitBreaker/pick (8 targets, all open: shed)", openTargets: 8)
    registerLatencyEjectionBenchmark("LatencyEjection/pick+record (8 targets, warm)", targets: 8)
    registerLatencyEjectionBenchmark("LatencyEjection/pick+record (64 targets, warm)", targets: 64)
}

/// One millisecond of virtual time per request.
private let tick = Duration.milliseconds(1)

/// Every health gate up, as in a pool without an active health check.
private func allUp(_ target: Int) -> Bool { true }

/// Benchmarks a breaker over 8 targets of which the first `openTargets` were tripped before measuring.
private func registerCircuitBreakerBenchmark(_ name: String, openTargets: Int) {
    Benchmark(name) { benchmark in
        // A cooldown longer than any run keeps the tripped circuits open throughout.
        let options = CircuitBreakerBalancer.Options(failureThreshold: 1, openTimeout: .seconds(3_600))
        var machine = try CircuitBreakerBalancer.StateMachine(targetCount: 8, options: options)
        var transitions: [TargetTransition] = []
        transitions.reserveCapacity(8)
        var now = MonotonicInstant.zero
        for target in 0..<openTargets {
            guard case .target(let admission) = machine.pick(at: now, isUp: { $0 == target }, transitions: &transitions)
            else { throw ResilienceBenchmarkError.unexpectedDecision("\(name): target \(target) not admitted") }
            _ = machine.record(.failure, for: admission, at: now)
        }

        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            now = now.advanced(by: tick)
            transitions.removeAll(keepingCapacity: true)
            switch machine.pick(at: now, isUp: allUp, transitions: &transitions) {
            case .target(let admission):
                blackHole(machine.record(.success, for: admission, at: now))
            case .shed(let reason):
                blackHole(reason)
            }
        }
        benchmark.stopMeasurement()
    }
}

/// Benchmarks latency ejection over `targets` targets, every one past `minSamples` before measuring, with
/// one target ten times slower than the rest (ejected during warm-up, so the pick skips it).
private func registerLatencyEjectionBenchmark(_ name: String, targets: Int) {
    Benchmark(name) { benchmark in
        var machine = try LatencyEjectingBalancer.StateMachine(targetCount: targets, options: .init())
        var now = MonotonicInstant.zero
        func latency(of target: Int) -> Duration { target == 0 ? .milliseconds(100) : .milliseconds(10) }
        for _ in 0..<(targets * 101) {
            now = now.advanced(by: tick)
            guard let pick = machine.pick(at: now, isUp: allUp) else {
                throw ResilienceBenchmarkError.unexpectedDecision("\(name): empty pool")
            }
            _ = machine.record(latency: latency(of: pick.target), target: pick.target, at: now)
        }
        guard machine.isEjected(0, at: now) else {
            throw ResilienceBenchmarkError.unexpectedDecision("\(name): the slow target was not ejected in warm-up")
        }

        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            now = now.advanced(by: tick)
            if let pick = machine.pick(at: now, isUp: allUp) {
                blackHole(machine.record(latency: latency(of: pick.target), target: pick.target, at: now))
            }
        }
        benchmark.stopMeasurement()
    }
}

enum ResilienceBenchmarkError: Error {
    case unexpectedDecision(String)
}
