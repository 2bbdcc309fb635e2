import Foundation
import ParapetScenarios
import ParapetSimulation

/// The package's `Simulations/` folder.
let simulationsFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Simulations")

/// The bundled scenario files, sorted by name.
func bundledScenarioFiles() -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: simulationsFolder.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted().map { simulationsFolder.appendingPathComponent($0) }
}
