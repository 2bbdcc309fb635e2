import Foundation
import ParapetScenarios
import ParapetSimulation
import ParapetTestSupport
import ParapetTesting
import Testing

@Suite("Progress of a scenario run", .cpuHeavy)
struct ScenarioProgressTests {
    @Test("the observer sees each stack's virtual progress rise to 100 %, and the report does not change")
    func progressRisesToTheEndWithoutChangingTheReport() async throws {
        let scenario = try Scenario.load(contentsOf: simulationsFolder.appendingPathComponent("dead-origin.yaml"))
        let seen = Recorder<ScenarioProgress>()
        let observed = try await ScenarioRunner.run(
            scenario, options: .init(progress: .init(every: .seconds(2)) { seen.append($0) }))
        let unobserved = try await ScenarioRunner.run(scenario)
        #expect(observed.text == unobserved.text)
        #expect(try observed.json() == unobserved.json())

        let stacks = scenario.stacks.map(\.name)
        #expect(Set(seen.elements.map(\.stack)) == Set(stacks))
        for (index, name) in stacks.enumerated() {
            let progress = seen.elements.filter { $0.stack == name }
            #expect(progress.count > 25, "every 2 s of a 60 s run, then the end")
            #expect(progress.allSatisfy { $0.stackIndex == index && $0.stackCount == stacks.count && $0.seed == 42 })
            for (earlier, later) in zip(progress, progress.dropFirst()) {
                // Strictly later but for the end, which may fall on the instant of the last tick.
                #expect(earlier.virtualTime < later.virtualTime || (later.isFinished && earlier.virtualTime == later.virtualTime))
                #expect(earlier.fractionComplete <= later.fractionComplete)
                #expect(earlier.requests <= later.requests)
            }
            let last = try #require(progress.last)
            #expect(last.isFinished && last.fractionComplete == 1)
            #expect(progress.dropLast().allSatisfy { !$0.isFinished })
            #expect(last.requests == observed.stack(name).requests)
            #expect(progress.first.map { $0.virtualTime >= .seconds(2) && $0.fractionComplete < 0.1 } == true)
        }
    }

    @Test("the progress line reads as a sentence")
    func description() {
        var progress = ScenarioProgress(
            scenario: "scale", stack: "breaker", stackIndex: 0, stackCount: 1, seed: 1,
            virtualTime: .milliseconds(1_332_400), duration: .seconds(3_600), requests: 812_000, isFinished: false)
        #expect(progress.description == "scenario scale, stack breaker: 37% (1,332 s of 3,600 s virtual), 812,000 requests")
        progress.stackIndex = 1
        progress.stackCount = 2
        progress.virtualTime = .seconds(3_605)
        #expect(progress.fractionComplete == 1)
        #expect(progress.description
            == "scenario scale, stack breaker (2 of 2): 100% (3,600 s of 3,600 s virtual, draining), 812,000 requests")
        progress.isFinished = true
        progress.requests = 3_600_125
        #expect(progress.description
            == "scenario scale, stack breaker (2 of 2): 100% (3,600 s of 3,600 s virtual), 3,600,125 requests")
    }
}
