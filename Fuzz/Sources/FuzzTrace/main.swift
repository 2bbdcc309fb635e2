// Request traces: CSV or JSON lines (the first byte chooses). A trace that parses writes itself out as CSV
// and as JSON lines that both parse back to as many entries.
import FuzzSupport

import ParapetScenarios
@testable import ParapetSimulation

fuzz { raw in
    var input = FuzzInput(raw)
    let isCSV = input.bool()
    let text = input.remainingText
    let parsed = isCSV ? try? RequestTrace(csv: text) : try? RequestTrace(jsonLines: text)
    guard let trace = parsed else { return }
    do {
        let fromCSV = try RequestTrace(csv: trace.csv)
        let fromJSON = try RequestTrace(jsonLines: trace.jsonLines)
        precondition(fromCSV.entries.count == trace.entries.count, "CSV round trip lost entries")
        precondition(fromJSON.entries.count == trace.entries.count, "JSON lines round trip lost entries")
    } catch {
        preconditionFailure("a parsed trace does not parse back: \(error)")
    }
}
