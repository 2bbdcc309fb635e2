import Foundation
import ParapetTestSupport
import Testing

/// The command line's progress line: drawn on standard error only when that is a terminal, erased before the
/// report, and never a byte of difference in the report itself.
@Suite("parapet-sim progress line", .cpuHeavy)
struct ProgressLineCommandTests {
    @Test func standardErrorThatIsNotATerminalGetsNoProgress() async throws {
        let file = simulationsFolder.appendingPathComponent("dead-origin.yaml").path
        let run = try await parapetSim(["run", file])
        #expect(run.status == 0)
        #expect(run.errors.isEmpty, "\(run.errors)")
        let explore = try await parapetSim(["explore", file, "--seeds", "2"])
        #expect(explore.status == 0)
        #expect(explore.errors.isEmpty, "\(explore.errors)")
    }

    @Test func aTerminalGetsOneLineRewrittenInPlaceAndErasedAndTheSameReport() async throws {
        let file = simulationsFolder.appendingPathComponent("dead-origin.yaml").path
        let pseudoTerminal = try PseudoTerminal()
        async let drawn = pseudoTerminal.readAll()
        let onTerminal = try await parapetSim(["run", file], standardError: pseudoTerminal.terminal)
        let progress = await drawn
        let quiet = try await parapetSim(["run", file])

        #expect(onTerminal.status == 0)
        #expect(progress.contains("\rscenario dead-origin, stack breaker (1 of 2): "), "\(progress.debugDescription)")
        #expect(progress.contains(" s of 60 s virtual), "))
        #expect(!progress.contains("\n"), "the line is rewritten in place, never scrolled")
        #expect(progress.hasSuffix("\r\u{1B}[K"), "the line is erased at the end: \(progress.debugDescription)")
        #expect(!onTerminal.output.isEmpty && onTerminal.output == quiet.output)
    }
}
