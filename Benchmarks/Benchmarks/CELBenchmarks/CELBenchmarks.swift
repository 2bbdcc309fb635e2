// Cost of CEL for a firewall: compiling a 20-rule set (parse, check, plan), and evaluating all twenty rules
// against one request, the per-request work of a WAF.
//
//   CEL/compile 20 rules        Environment.compile of every rule, as a rule reload does
//   CEL/evaluate 20 rules       Program.evaluate of every compiled rule against one request's bindings
//
// Each sample runs `scalingFactor` (1000) iterations; the text output divides by it, so the numbers printed are
// per rule set. Evaluations per second of the whole set = 1e9 / (ns per rule set).

import Benchmark
import CEL

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 10_000
    )

    Benchmark("CEL/compile 20 rules") { benchmark in
        let environment = RuleSet.environment
        for _ in benchmark.scaledIterations {
            for rule in RuleSet.rules {
                blackHole(try environment.compile(rule))
            }
        }
    }

    Benchmark("CEL/evaluate 20 rules") { benchmark in
        let environment = RuleSet.environment
        let programs = try RuleSet.rules.map { try environment.compile($0) }
        let bindings = RuleSet.bindings
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for program in programs {
                blackHole(try program.evaluate(bindings))
            }
        }
    }
}
