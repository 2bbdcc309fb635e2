// Throughput of the chaos simulator: one simulated minute at 1,000 requests/s (60,000 requests) against
// 10 targets through circuit breaker + hedging + active health check — the acceptance workload of the
// simulator issue, scaled down from an hour (`parapet-sim-scale 3600` runs the full hour). The throughput
// metric is simulated requests per second of wall time.

import Benchmark
import DeterminismFixture
import ParapetSimulation

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(20),
        maxIterations: 5
    )

    let targets = (0..<10).map { Scenario.Target("t\($0)", latency: .logNormal(median: .milliseconds(20), sigma: 0.5)) }
    let scenario = Scenario(
        name: "scale",
        seed: 1,
        duration: .seconds(60),
        drain: .seconds(10),
        targets: targets,
        timeline: [
            .init(at: .seconds(10), target: "t3", become: .dead(after: .milliseconds(1))),
            .init(at: .seconds(30), target: "t7", become: .gray(slowdown: 8)),
        ],
        workload: .poisson(rate: 1_000),
        stacks: [
            .init(
                name: "breaker+hedging+health",
                balancer: .circuitBreaker(.init(failureThreshold: 5)),
                healthCheck: .init(interval: .seconds(5), timeout: .seconds(1)),
                hedging: .init(hedgeDelay: .milliseconds(50)),
                transportTimeout: .seconds(2))
        ])

    Benchmark("Simulator/one minute at 1,000 req/s, breaker+hedging+health (60,000 requests)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations.prefix(1) {
            blackHole(try ScenarioRunner.run(scenario).stack().requests)
        }
    }

    // The executor alone: 10,000 tasks sleeping random virtual durations for one simulated minute (the
    // determinism acceptance workload, whose test checks replay, not speed).
    Benchmark("Simulator/determinism workload, 10,000 tasks, one simulated minute", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try DeterminismWorkload(taskCount: 10_000, duration: .seconds(60)).run(seed: 42).traceHash)
        }
    }
}
