import ParapetCore
import ParapetUpstream
import Testing

@Suite("Ejection tracker")
struct EjectionTrackerTests {
    static func tracker(count: Int = 2, maxFails: Int = 1) -> EjectionTracker {
        EjectionTracker(count: count, maxFails: maxFails, ejectTimeout: .seconds(1), maxEjectTimeout: .seconds(5))
    }

    @Test("the cooldown doubles with each consecutive ejection and stops at the cap: 1, 2, 4, 5, 5 s")
    func cooldownDoublesAndCaps() {
        var tracker = Self.tracker()
        var now = at(0)
        var events: [EjectionTracker.Event?] = []
        for _ in 0..<5 {
            let event = tracker.record(0, isFailure: true, at: now)
            events.append(event)
            if case .eject(_, let cooldown) = event { now = now.advanced(by: cooldown) }
        }
        #expect(events == [
            .eject(from: .closed, cooldown: .seconds(1)), .eject(from: .open, cooldown: .seconds(2)),
            .eject(from: .open, cooldown: .seconds(4)), .eject(from: .open, cooldown: .seconds(5)),
            .eject(from: .open, cooldown: .seconds(5)),
        ])
        #expect((1...6).map { tracker.cooldown(forEjection: $0) } == [1, 2, 4, 5, 5, 5].map { .seconds($0) })
    }

    @Test("any success clears the failure count and the backoff, and reports the recovery once")
    func successClears() {
        var tracker = Self.tracker(maxFails: 2)
        tracker.record(0, isFailure: true, at: at(0))
        #expect(tracker.record(0, isFailure: false, at: at(0)) == nil)
        #expect(tracker.record(0, isFailure: true, at: at(0)) == nil)  // the count restarted
        #expect(tracker.record(0, isFailure: true, at: at(0)) == .eject(from: .closed, cooldown: .seconds(1)))
        tracker.record(0, isFailure: true, at: at(1))
        #expect(tracker.record(0, isFailure: true, at: at(1)) == .eject(from: .open, cooldown: .seconds(2)))
        #expect(tracker.record(0, isFailure: false, at: at(3)) == .recover)
        #expect(tracker.record(0, isFailure: false, at: at(3)) == nil)
        tracker.record(0, isFailure: true, at: at(4))
        #expect(tracker.record(0, isFailure: true, at: at(4)) == .eject(from: .closed, cooldown: .seconds(1)))
    }

    @Test("a concurrent burst of failures is one ejection; the backoff grows only per window")
    func burstIsOneEjection() {
        var tracker = Self.tracker(maxFails: 3)
        let burst = (0..<9).compactMap { _ in tracker.record(0, isFailure: true, at: at(0)) }
        #expect(burst == [.eject(from: .closed, cooldown: .seconds(1))])
        #expect(tracker.isEjected(0, at: at(0)))
        let late = (0..<3).compactMap { _ in tracker.record(0, isFailure: true, at: MonotonicInstant(offset: .milliseconds(500))) }
        #expect(late.isEmpty)
        let next = (0..<3).compactMap { _ in tracker.record(0, isFailure: true, at: at(1)) }
        #expect(next == [.eject(from: .open, cooldown: .seconds(2))])
    }

    @Test("an ejected target is skipped until its cooldown has passed, then simply picked again")
    func ejectedTargetsAreSkipped() {
        var tracker = Self.tracker(count: 3)
        tracker.record(1, isFailure: true, at: at(0))
        let during = (0..<4).compactMap { _ in tracker.pick(at: at(0)) { _ in true } }
        #expect(during == [0, 2, 2, 0])
        #expect(!tracker.isEjected(1, at: at(1)))
        let after = (0..<3).compactMap { _ in tracker.pick(at: at(1)) { _ in true } }
        #expect(after == [1, 2, 0])
    }

    @Test("targets that are not admissible are skipped; with nothing left it fails open to the rotation's slot")
    func failsOpen() {
        var tracker = Self.tracker(count: 3)
        tracker.record(0, isFailure: true, at: at(0))
        tracker.record(2, isFailure: true, at: at(0))
        let up = [true, false, true]
        let picks = (0..<3).compactMap { _ in tracker.pick(at: at(0)) { up[$0] } }
        #expect(picks == [0, 1, 2])
        var empty = Self.tracker(count: 0)
        #expect(empty.pick(at: at(0)) { _ in true } == nil)
    }

    @Test("out-of-range settings are clamped and unknown indices ignored")
    func clamping() {
        var tracker = EjectionTracker(count: 1, maxFails: 0, ejectTimeout: .seconds(-1), maxEjectTimeout: .zero)
        #expect(tracker.maxFails == 1)
        #expect(tracker.ejectTimeout == .nanoseconds(1))
        #expect(tracker.maxEjectTimeout == .nanoseconds(1))
        #expect(tracker.record(5, isFailure: true, at: at(0)) == nil)
        #expect(tracker.cooldown(forEjection: .max) == .nanoseconds(1))
        var extreme = EjectionTracker(
            count: 1,
            maxFails: 1,
            ejectTimeout: .seconds(Int64.max) * 4,
            maxEjectTimeout: .seconds(Int64.max) * 8
        )
        #expect(extreme.record(0, isFailure: true, at: at(0)) == .eject(from: .closed, cooldown: .seconds(Int64.max)))
        #expect(extreme.cooldown(forEjection: 200) == .seconds(Int64.max))
    }
}
