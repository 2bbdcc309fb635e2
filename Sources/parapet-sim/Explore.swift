import ArgumentParser
import ParapetScenarios
import ParapetSimulation

extension ParapetSim {
    /// `parapet-sim explore FILE --seeds N`: runs seeds 1…N and lists the ones whose expectations fail, so a
    /// failure can be reproduced with `run --seed`.
    struct Explore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Runs a scenario under many seeds and prints the seeds whose expectations fail.")

        @Argument(help: "A scenario file (YAML or JSON).")
        var file: String

        @Option(help: "How many seeds to try, from 1.")
        var seeds: UInt64 = 100

        func validate() throws {
            guard seeds > 0 else { throw ValidationError("--seeds must be at least 1") }
        }

        func run() throws {
            let scenario: Scenario
            do { scenario = try loadScenario(file) } catch let error as BadInput { exitForBadInput([error]) }
            var failing: [UInt64] = []
            let progress = ProgressLine.onStandardError()
            defer { progress?.clear() }
            for seed in 1...seeds {
                let report = try ScenarioRunner.run(
                    scenario, options: .init(seed: seed, progress: progress?.observer(prefix: "seed \(seed) of \(seeds): ")))
                if !report.passed {
                    progress?.clear()
                    failing.append(seed)
                    let reasons = report.failures.map(\.message).joined(separator: "; ")
                    print("seed \(seed): \(reasons)")
                }
            }
            progress?.clear()
            print("\(failing.count) of \(seeds) seeds failed")
            if !failing.isEmpty { throw ExitCode(1) }
        }
    }
}
