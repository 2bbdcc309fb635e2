// Scenario documents: YAML or JSON (the first byte chooses) through the loader, which parses, decodes and
// validates; and JSON through the public `Decodable` route (`JSONDecoder`). Every outcome is a scenario or a
// thrown error.
import Foundation
import FuzzSupport

import ParapetScenarios
@testable import ParapetSimulation

fuzz { raw in
    var input = FuzzInput(raw)
    let isJSON = input.bool()
    let text = input.remainingText
    _ = try? Scenario(text: text, format: isJSON ? .json : .yaml, file: "fuzz")
    if isJSON {
        _ = try? JSONDecoder().decode(Scenario.self, from: Data(text.utf8))
    }
}
