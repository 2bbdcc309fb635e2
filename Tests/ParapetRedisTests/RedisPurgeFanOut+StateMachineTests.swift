import ParapetCache
import Testing

@testable import ParapetRedis

@Suite("RedisPurgeFanOut.StateMachine: sequences, replays and gaps")
struct RedisPurgeFanOutStateMachineTests {
    typealias Machine = RedisPurgeFanOut.StateMachine
    typealias Message = RedisPurgeFanOut.Message

    static func message(_ sequence: Int64, _ tag: String) -> Message {
        Message(sequence: sequence, scope: .tag(tag))
    }

    /// A machine that caught up at `sequence`.
    static func caughtUp(at sequence: Int64) -> Machine {
        var machine = Machine()
        _ = machine.replayed(counter: sequence, log: [])
        return machine
    }

    @Test func theFirstSubscriptionPurgesEverythingStoredBefore() {
        var machine = Machine()
        #expect(machine.replayed(counter: 7, log: [Self.message(7, "a")]) == [.purgeAll])
        #expect(machine.lastSequence == 7)
        #expect(machine.received(Self.message(7, "a")) == [])
        #expect(machine.received(Self.message(8, "b")) == [.purge(.tag("b"))])
    }

    @Test func nothingIsHeardBeforeTheFirstReplay() {
        var machine = Machine()
        #expect(machine.received(Self.message(1, "a")) == [])
        #expect(machine.lastSequence == nil)
    }

    @Test func aReplayAppliesExactlyWhatWasMissedInOrder() {
        var machine = Self.caughtUp(at: 10)
        let log = (8...13).map { Self.message(Int64($0), "t\($0)") }
        #expect(
            machine.replayed(counter: 13, log: log) == [.purge(.tag("t11")), .purge(.tag("t12")), .purge(.tag("t13"))])
        // Messages published while the replay ran arrive on the channel too: applied once.
        #expect(machine.received(Self.message(13, "t13")) == [])
        #expect(machine.received(Self.message(14, "t14")) == [.purge(.tag("t14"))])
    }

    @Test func aReplayWithNothingMissedPurgesNothing() {
        var machine = Self.caughtUp(at: 10)
        #expect(machine.replayed(counter: 10, log: [Self.message(10, "t")]) == [])
    }

    @Test(arguments: [
        // The list was trimmed past the last purge applied.
        (Int64(20), [Int64](15...20)),
        // Redis lost its data: the counter went back.
        (Int64(3), [Int64](1...3)),
        // ... or was seeded anew, far past it, with nothing in between.
        (Int64(1_767_225_600_000_002), [Int64](1_767_225_600_000_001...1_767_225_600_000_002)),
        // An entry is missing from the middle.
        (Int64(13), [11, 13]),
    ])
    func aGapThatCannotBeReplayedPurgesEverything(counter: Int64, kept: [Int64]) {
        var machine = Self.caughtUp(at: 10)
        #expect(machine.replayed(counter: counter, log: kept.map { Self.message($0, "t") }) == [.purgeAll])
        #expect(machine.lastSequence == counter)
    }

    @Test func aMessagePastAGapOrUnreadablePurgesEverything() {
        var machine = Self.caughtUp(at: 10)
        #expect(machine.received(Self.message(12, "t")) == [.purgeAll])
        #expect(machine.received(Message(sequence: 13, scope: nil)) == [.purgeAll])
        #expect(machine.replayed(counter: 14, log: [Message(sequence: 14, scope: nil)]) == [.purgeAll])
    }

    @Test(
        arguments: [
            ("42 {\"purge\":\"tag\",\"tag\":\"a\"}", Message(sequence: 42, scope: .tag("a"))),
            ("43 {\"purge\":\"nonsense\"}", Message(sequence: 43, scope: nil)),
            ("44", Message(sequence: 44, scope: nil)),
        ] as [(String, Message)])
    func messagesAreReadFromTheirText(text: String, message: Message) {
        #expect(Message(text: text) == message)
    }

    @Test(arguments: ["", "x {\"purge\":\"all\"}", " 1 {}"])
    func aMessageWithoutASequenceNumberIsNotOne(text: String) {
        #expect(Message(text: text) == nil)
    }
}
