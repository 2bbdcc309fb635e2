import ArgumentParser
import Foundation
import ParapetScenarios
import ParapetSimulation

/// `parapet-sim`: runs chaos scenarios against Parapet's real balancers in virtual time.
///
///     parapet-sim run Simulations/dead-origin.yaml
///     parapet-sim run Simulations/*.yaml --seed 7 --format json
///     parapet-sim run Simulations/dead-origin.yaml --html report.html
///     parapet-sim check Simulations/*.yaml
///     parapet-sim replay access.csv --config breaker.yaml
///     parapet-sim explore Simulations/tail-latency.yaml --seeds 100
///
/// Exit status: 0 when every expectation holds, 1 when one fails, 2 for bad input.
@main
struct ParapetSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parapet-sim",
        abstract: "Replays outages against Parapet's real balancers in virtual time, deterministically from a seed.",
        discussion: "Exit status: 0 when every expectation holds, 1 when one fails, 2 for bad input.",
        subcommands: [Run.self, Check.self, Replay.self, Explore.self]
    )
}

/// What a scenario file failed with, reported as `file:line:column: message` and exit status 2.
struct BadInput: Error, CustomStringConvertible {
    let description: String
}

/// Loads a scenario file, turning every failure into ``BadInput`` that names the file.
func loadScenario(_ path: String) throws -> Scenario {
    do {
        return try Scenario.load(contentsOf: URL(fileURLWithPath: path))
    } catch let error as ScenarioError {
        throw BadInput(description: error.description)
    } catch {
        throw BadInput(description: "\(path): \(error.localizedDescription)")
    }
}

/// Prints `message` to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Exits with status 2 after printing bad-input errors, so a script can tell them from failed expectations.
func exitForBadInput(_ errors: [BadInput]) -> Never {
    for error in errors { printError("error: \(error.description)") }
    Foundation.exit(2)
}
