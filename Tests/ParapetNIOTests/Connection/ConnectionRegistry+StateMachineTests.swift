import Testing

@testable import ParapetNIO

@Suite("Connection cap state machine")
struct ConnectionRegistryStateMachineTests {
    @Test func connectionsBeyondTheCapAreRefusedAndTheEpisodeIsReportedOnce() {
        var admission = ConnectionRegistry.StateMachine(limit: 2)
        #expect(admission.accept() == .admit)
        #expect(admission.accept() == .admit)
        #expect(admission.accept() == .refuse(startsEpisode: true))
        #expect(admission.accept() == .refuse(startsEpisode: false))
        #expect(admission.accept() == .refuse(startsEpisode: false))
        #expect(admission.open == 2)
        #expect(admission.closed() == .episodeEnded(refused: 3))
        #expect(admission.accept() == .admit)
        #expect(admission.accept() == .refuse(startsEpisode: true))  // a new episode
    }

    @Test func aServerHoveringAtItsCapDoesNotEndTheEpisodeOnEveryClose() {
        var admission = ConnectionRegistry.StateMachine(limit: 100)
        for _ in 0..<100 { #expect(admission.accept() == .admit) }
        #expect(admission.accept() == .refuse(startsEpisode: true))
        // Closing and refilling one slot at a time stays in the episode.
        for _ in 0..<50 {
            #expect(admission.closed() == .none)
            #expect(admission.accept() == .admit)
            #expect(admission.accept() == .refuse(startsEpisode: false))
        }
        // It ends once the count is a tenth below the cap.
        for _ in 0..<9 { #expect(admission.closed() == .none) }
        #expect(admission.closed() == .episodeEnded(refused: 51))
        #expect(admission.open == 90)
    }

    @Test func closesWithoutAnEpisodeReportNothing() {
        var admission = ConnectionRegistry.StateMachine(limit: 3)
        _ = admission.accept()
        #expect(admission.closed() == .none)
        #expect(admission.closed() == .none)  // an unmatched close never goes negative
        #expect(admission.open == 0)
    }

    @Test func withoutACapEverythingIsAdmitted() {
        var admission = ConnectionRegistry.StateMachine(limit: nil)
        for _ in 0..<10_000 { #expect(admission.accept() == .admit) }
        #expect(admission.closed() == .none)
    }
}
