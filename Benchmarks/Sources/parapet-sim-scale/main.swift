import Foundation
import ParapetScenarios
import ParapetSimulation

// One simulated hour at 1,000 requests per second against 10 targets through circuit breaker + hedging +
// active health check, with a few outages on the way. Prints wall time, simulated requests per second of wall
// time, and the report's headline; peak memory is measured from outside (`/usr/bin/time -v`).
//
//     cd Benchmarks && swift build -c release --product parapet-sim-scale && /usr/bin/time -v .build/release/parapet-sim-scale 3600

let seconds = Int64(CommandLine.arguments.dropFirst().first ?? "3600") ?? 3_600
let targets = (0..<10).map { Scenario.Target("t\($0)", latency: .logNormal(median: .milliseconds(20), sigma: 0.5)) }
let scenario = Scenario(
    name: "scale",
    seed: 1,
    duration: .seconds(seconds),
    drain: .seconds(10),
    targets: targets,
    timeline: [
        .init(at: .seconds(seconds / 6), target: "t3", become: .dead(after: .milliseconds(1))),
        .init(at: .seconds(seconds / 3), target: "t3", become: .coldStart(warmup: .seconds(30), unready: .status(503))),
        .init(at: .seconds(seconds / 2), target: "t7", become: .gray(slowdown: 8)),
        .init(at: .seconds(2 * seconds / 3), target: "t7", become: .healthy),
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
let started = Date()  // determinism: ok — measures the run in real time
let report = try ScenarioRunner.run(scenario)
let wall = Date().timeIntervalSince(started)  // determinism: ok — measures the run in real time
let stack = report.stack()
print(report.text)
print(String(format: "wall %.2f s, %d requests, %.0f simulated requests/s, %d events (%.0f events/s, %.2f events/request)",
             wall, stack.requests, Double(stack.requests) / wall, stack.simulatedEvents, Double(stack.simulatedEvents) / wall,
             Double(stack.simulatedEvents) / Double(stack.requests)))
