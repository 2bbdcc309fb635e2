import ParapetCore
import Testing

@testable import ParapetAuthn

@Suite("JWKS refresh state machine")
struct JWKSStateMachineTests {
    typealias Machine = JWKSKeySource.StateMachine<Int>

    static func ring(_ generation: UInt64) -> KeyRing { KeyRing(entries: [], generation: generation) }

    func at(_ seconds: Int64) -> MonotonicInstant { MonotonicInstant(offset: .seconds(seconds)) }

    @Test("one fetch at a time: callers during a fetch wait for it and are resumed together")
    func joinsRunningFetch() {
        var machine = Machine(minimumInterval: .seconds(30))
        #expect(machine.refreshWanted(at: at(0), scheduled: true, waiter: nil) == .fetch(generation: 1))
        #expect(machine.refreshWanted(at: at(0), scheduled: false, waiter: 1) == .wait)
        #expect(machine.refreshWanted(at: at(1), scheduled: true, waiter: 2) == .wait)
        #expect(machine.refreshWanted(at: at(1), scheduled: false, waiter: nil) == .useCurrent)
        #expect(machine.fetchFinished(Self.ring(1)) == [1, 2])
        #expect(machine.ring?.generation == 1)
    }

    @Test("unknown-kid refreshes are rate-limited from the last fetch's start; scheduled ones are not")
    func rateLimit() {
        var machine = Machine(minimumInterval: .seconds(30))
        #expect(machine.refreshWanted(at: at(0), scheduled: true, waiter: nil) == .fetch(generation: 1))
        _ = machine.fetchFinished(Self.ring(1))
        #expect(machine.refreshWanted(at: at(29), scheduled: false, seen: 1, waiter: 7) == .useCurrent)
        #expect(machine.refreshWanted(at: at(30), scheduled: false, seen: 1, waiter: 7) == .fetch(generation: 2))
        _ = machine.fetchFinished(nil)
        #expect(machine.refreshWanted(at: at(31), scheduled: true, waiter: nil) == .fetch(generation: 3))
    }

    @Test("a failed fetch keeps the last good set; a caller that saw an older set gets the newer one without a fetch")
    func keepsLastGood() {
        var machine = Machine(minimumInterval: .zero)
        #expect(machine.refreshWanted(at: at(0), scheduled: true, waiter: nil) == .fetch(generation: 1))
        _ = machine.fetchFinished(Self.ring(1))
        #expect(machine.refreshWanted(at: at(5), scheduled: true, waiter: nil) == .fetch(generation: 2))
        _ = machine.fetchFinished(nil)
        #expect(machine.ring?.generation == 1)
        #expect(machine.refreshWanted(at: at(6), scheduled: false, seen: 0, waiter: 3) == .useCurrent)
        #expect(machine.refreshWanted(at: at(6), scheduled: false, seen: 1, waiter: 3) == .fetch(generation: 3))
    }
}
