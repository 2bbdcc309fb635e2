import ArgumentParser
import Foundation
import ParapetScenarios
import ParapetSimulation

extension ParapetSim {
    /// `parapet-sim replay TRACE --config FILE`: replays a recorded outage against another stack.
    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replays a recorded trace against the stacks of a scenario file.",
            discussion: """
                The trace (CSV `time,target,status,latency` or JSON lines, e.g. from an access log) becomes one \
                simulated backend per target with the recorded status mix and latency distribution, and its \
                arrival times become the workload. The config is a complete scenario file (so `check` validates it), \
                but only its `stacks`, `expect` and `seed` are used: its targets, timeline and workload give way \
                to the trace's. "What would the circuit breaker have done last night?"
                """)

        @Argument(help: "The recorded trace: .csv, or JSON lines (.jsonl).")
        var trace: String

        @Option(help: "A scenario file whose stacks and expectations the replay uses.")
        var config: String

        @Option(help: "The seed of the replay (default: the config's).")
        var seed: UInt64?

        @Option(help: "Report format: text or json.")
        var format: Run.Format = .text

        func run() throws {
            let scenario: Scenario
            let recorded: RequestTrace
            do {
                let config = try loadScenario(config)
                recorded = try loadTrace(trace)
                scenario = replay(recorded, with: config)
            } catch let error as BadInput {
                exitForBadInput([error])
            }
            let progress = ProgressLine.onStandardError()
            let report: SimulationReport
            do {
                defer { progress?.clear() }
                report = try ScenarioRunner.run(scenario, options: .init(progress: progress?.observer()))
            }
            switch format {
            case .text: print(report.text)
            case .json: print(try report.jsonText())
            }
            if !report.passed { throw ExitCode(1) }
        }

        /// The scenario replaying `recorded` against the config's stacks and expectations.
        private func replay(_ recorded: RequestTrace, with config: Scenario) -> Scenario {
            let name = "replay of \(URL(fileURLWithPath: trace).lastPathComponent)"
            var scenario = recorded.replayScenario(name: name, seed: seed ?? config.seed, stacks: config.stacks)
            scenario.expectations = config.expectations
            return scenario
        }

        /// Reads a trace file, turning every failure into ``BadInput``.
        private func loadTrace(_ path: String) throws -> RequestTrace {
            let file = URL(fileURLWithPath: path).lastPathComponent
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                return path.hasSuffix(".csv")
                    ? try RequestTrace(csv: text, file: file) : try RequestTrace(jsonLines: text, file: file)
            } catch let error as ScenarioError {
                throw BadInput(description: error.description)
            } catch {
                throw BadInput(description: "\(path): \(error.localizedDescription)")
            }
        }
    }
}
