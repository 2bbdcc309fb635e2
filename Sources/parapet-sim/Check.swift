import ArgumentParser
import ParapetScenarios
import ParapetSimulation

extension ParapetSim {
    /// `parapet-sim check FILE…`: validates without running.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validates scenario files without running them.")

        @Argument(help: "Scenario files (YAML or JSON).")
        var files: [String]

        func run() throws {
            var errors: [BadInput] = []
            for file in files {
                do {
                    _ = try loadScenario(file)
                    print("\(file): ok")
                } catch let error as BadInput {
                    errors.append(error)
                }
            }
            if !errors.isEmpty { exitForBadInput(errors) }
        }
    }
}
