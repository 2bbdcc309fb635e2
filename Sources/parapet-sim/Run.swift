import ArgumentParser
import Foundation
import ParapetSimulation

extension ParapetSim {
    /// `parapet-sim run FILE… [--seed N] [--format text|json]`
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Runs scenarios and prints their reports.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        @Argument(help: "Scenario files (YAML or JSON).")
        var files: [String]

        @Option(help: "Overrides every scenario's seed.")
        var seed: UInt64?

        @Option(help: "Report format: text or json.")
        var format: Format = .text

        func run() throws {
            var scenarios: [Scenario] = []
            var errors: [BadInput] = []
            for file in files {
                do { scenarios.append(try loadScenario(file)) } catch let error as BadInput { errors.append(error) }
            }
            if !errors.isEmpty { exitForBadInput(errors) }
            var allPassed = true
            for scenario in scenarios {
                let report = try ScenarioRunner.run(scenario, seed: seed)
                allPassed = allPassed && report.passed
                switch format {
                case .text: print(report.text)
                case .json: print(try report.jsonText())
                }
            }
            if !allPassed { throw ExitCode(1) }
        }
    }
}
