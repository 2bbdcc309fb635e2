import ParapetCache
import Testing

@testable import ParapetRedis

@Suite("RedisPurgeFanOut.StateMachine: sequences, replays and gaps")
struct RedisPurgeFanOutStateMachineTests {
    typealias Machine = RedisPurgeFanOut.StateMachine
    typealias Message = RedisPurgeFanOut.Message

    static func message(_ sequence: Int64, _ tag: String, generation: String? = nil) -> Message {
        Message(sequence: sequence, generation: generation, scope: .tag(tag))
    }

    /// A machine that caught up at `sequence`.
    static func caughtUp(at sequence: Int64, generation: String? = nil) -> Machine {
        var machine = Machine()
        _ = machine.replayed(counter: sequence, generation: generation, log: [])
        return machine
    }

    @Test func aCounterOfAnotherGenerationPurgesEverythingEvenWhenItsNumbersFollow() {
        // Redis failed over to a server whose counter was seeded anew with a clock behind: its numbers
        // run on from where the old counter was, but they number other purges.
        var machine = Self.caughtUp(at: 10, generation: "g1")
        #expect(machine.received(Self.message(11, "a", generation: "g2")) == [.purgeAll])
        #expect(machine.generation == "g2")
        #expect(machine.received(Self.message(12, "b", generation: "g2")) == [.purge(.tag("b"))])
        // ... or reissue numbers already applied: not skipped.
        #expect(machine.received(Self.message(5, "c", generation: "g3")) == [.purgeAll])
        #expect(machine.received(Self.message(6, "d", generation: "g3")) == [.purge(.tag("d"))])
        // A message from before generations is taken to be of the current one.
        #expect(machine.received(Self.message(7, "e")) == [.purge(.tag("e"))])
    }

    @Test func aReplayOfAnotherGenerationPurgesEverything() {
        var machine = Self.caughtUp(at: 10, generation: "g1")
        let log = (11...12).map { Self.message(Int64($0), "t", generation: "g2") }
        #expect(machine.replayed(counter: 12, generation: "g2", log: log) == [.purgeAll])
        #expect(machine.generation == "g2")
        #expect(machine.lastSequence == 12)
        // Within one generation, replays apply what was missed; entries of another are not replayed.
        let mixed = [Self.message(13, "old", generation: "g1"), Self.message(13, "new", generation: "g2")]
        #expect(machine.replayed(counter: 13, generation: "g2", log: mixed) == [.purge(.tag("new"))])
    }

    @Test func anUnreadableMessagePurgesEverythingOnceSubscribed() {
        var fresh = Machine()
        #expect(fresh.receivedUnreadable() == [])
        var machine = Self.caughtUp(at: 10)
        #expect(machine.receivedUnreadable() == [.purgeAll])
        #expect(machine.lastSequence == 10)
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
            (
                "45:1767225600000001 {\"purge\":\"tag\",\"tag\":\"a\"}",
                Message(sequence: 45, generation: "1767225600000001", scope: .tag("a"))
            ),
        ] as [(String, Message)])
    func messagesAreReadFromTheirText(text: String, message: Message) {
        #expect(Message(text: text) == message)
    }

    @Test(arguments: ["", "x {\"purge\":\"all\"}", " 1 {}", ":1 {}", "x:1 {}"])
    func aMessageWithoutASequenceNumberIsNotOne(text: String) {
        #expect(Message(text: text) == nil)
    }
}
