import ParapetCore
import ParapetUpstream
import Testing

@Suite("Ejection tracker")
struct EjectingBalancerStateMachineTests {
    static func tracker(count: Int = 2, maxFails: Int = 1) -> EjectingBalancer.StateMachine {
        EjectingBalancer.StateMachine(count: count, maxFails: maxFails, ejectTimeout: .seconds(1), maxEjectTimeout: .seconds(5))
    }

    static func eject(_ target: Int, from: TargetState) -> TargetTransition {
        TargetTransition(target: target, from: from, to: .open, reason: .eject)
    }

    static func recover(_ target: Int) -> TargetTransition {
        TargetTransition(target: target, from: .open, to: .closed, reason: .recover)
    }

    @Test("the cooldown doubles with each consecutive ejection and stops at the cap: 1, 2, 4, 5, 5 s")
    func cooldownDoublesAndCaps() throws {
        var tracker = Self.tracker()
        var now = MonotonicInstant.zero
        var transitions: [TargetTransition?] = []
        var cooldowns: [Duration] = []
        for _ in 0..<5 {
            transitions.append(tracker.record(0, verdict: .failure, at: now))
            let end = try #require(tracker.cooldownEnd(of: 0))
            cooldowns.append(end - now)
            now = end
        }
        #expect(transitions == [Self.eject(0, from: .closed)] + Array(repeating: Self.eject(0, from: .open), count: 4))
        #expect(cooldowns == [1, 2, 4, 5, 5].map { .seconds($0) })
        #expect((1...6).map { tracker.cooldown(forEjection: $0) } == [1, 2, 4, 5, 5, 5].map { .seconds($0) })
    }

    @Test("any success clears the failure count and the backoff, and reports the recovery once")
    func successClears() {
        var tracker = Self.tracker(maxFails: 2)
        tracker.record(0, verdict: .failure, at: .zero)
        #expect(tracker.record(0, verdict: .success, at: .zero) == nil)
        #expect(tracker.record(0, verdict: .failure, at: .zero) == nil)  // the count restarted
        #expect(tracker.record(0, verdict: .failure, at: .zero) == Self.eject(0, from: .closed))
        #expect(tracker.cooldownEnd(of: 0) == .at(.seconds(1)))
        tracker.record(0, verdict: .failure, at: .at(.seconds(1)))
        #expect(tracker.record(0, verdict: .failure, at: .at(.seconds(1))) == Self.eject(0, from: .open))
        #expect(tracker.cooldownEnd(of: 0) == .at(.seconds(3)))
        #expect(tracker.record(0, verdict: .success, at: .at(.seconds(3))) == Self.recover(0))
        #expect(tracker.cooldownEnd(of: 0) == nil)
        #expect(tracker.record(0, verdict: .success, at: .at(.seconds(3))) == nil)
        tracker.record(0, verdict: .failure, at: .at(.seconds(4)))
        #expect(tracker.record(0, verdict: .failure, at: .at(.seconds(4))) == Self.eject(0, from: .closed))
        #expect(tracker.cooldownEnd(of: 0) == .at(.seconds(5)))  // the base cooldown again
    }

    @Test("a neutral (cancelled) verdict is no evidence: no failure counted, no backoff cleared, no recovery")
    func neutralChangesNothing() {
        var tracker = Self.tracker(maxFails: 2)
        tracker.record(0, verdict: .failure, at: .zero)
        #expect(tracker.record(0, verdict: .neutral, at: .zero) == nil)
        #expect(tracker.record(0, verdict: .neutral, at: .zero) == nil)
        #expect(tracker.state(of: 0) == .closed)  // two cancellations did not complete the run of failures
        #expect(tracker.record(0, verdict: .failure, at: .zero) == Self.eject(0, from: .closed))  // nor reset it
        #expect(tracker.record(0, verdict: .neutral, at: .at(.seconds(2))) == nil)
        #expect(tracker.state(of: 0) == .open)  // not recovered
        tracker.record(0, verdict: .failure, at: .at(.seconds(2)))
        tracker.record(0, verdict: .failure, at: .at(.seconds(2)))
        #expect(tracker.cooldownEnd(of: 0) == .at(.seconds(4)))  // the backoff was kept: 2 s
    }

    @Test("the state is that of the last transition: open from an ejection until the recovery")
    func stateWithoutAClock() {
        var tracker = Self.tracker()
        #expect(tracker.state(of: 0) == .closed)
        tracker.record(0, verdict: .failure, at: .zero)
        #expect(tracker.state(of: 0) == .open)
        #expect(!tracker.isEjected(0, at: .at(.seconds(1))))
        #expect(tracker.state(of: 0) == .open)  // the cooldown passed, but nothing recovered it yet
        tracker.record(0, verdict: .success, at: .at(.seconds(1)))
        #expect(tracker.state(of: 0) == .closed)
        #expect(tracker.state(of: 7) == .closed)
    }

    @Test("a concurrent burst of failures is one ejection; the backoff grows only per window")
    func burstIsOneEjection() {
        var tracker = Self.tracker(maxFails: 3)
        let burst = (0..<9).compactMap { _ in tracker.record(0, verdict: .failure, at: .zero) }
        #expect(burst == [Self.eject(0, from: .closed)])
        #expect(tracker.isEjected(0, at: .zero))
        let late = (0..<3).compactMap { _ in tracker.record(0, verdict: .failure, at: .at(.milliseconds(500))) }
        #expect(late.isEmpty)
        let next = (0..<3).compactMap { _ in tracker.record(0, verdict: .failure, at: .at(.seconds(1))) }
        #expect(next == [Self.eject(0, from: .open)])
        #expect(tracker.cooldownEnd(of: 0) == .at(.seconds(3)))
    }

    @Test("an ejected target is skipped, the survivors sharing its turns evenly, until its cooldown has passed")
    func ejectedTargetsAreSkipped() {
        var tracker = Self.tracker(count: 3)
        tracker.record(1, verdict: .failure, at: .zero)
        let during = (0..<4).compactMap { _ in tracker.pick(at: .zero) { _ in true } }
        #expect(during == [0, 2, 0, 2])
        #expect(!tracker.isEjected(1, at: .at(.seconds(1))))
        let after = (0..<3).compactMap { _ in tracker.pick(at: .at(.seconds(1))) { _ in true } }
        #expect(after == [0, 1, 2])
    }

    @Test("targets that are not admissible are skipped; with nothing left it fails open to the rotation's slot")
    func failsOpen() {
        var tracker = Self.tracker(count: 3)
        tracker.record(0, verdict: .failure, at: .zero)
        tracker.record(2, verdict: .failure, at: .zero)
        let up = [true, false, true]
        let picks = (0..<3).compactMap { _ in tracker.pick(at: .zero) { up[$0] } }
        #expect(picks == [0, 1, 2])
        var empty = Self.tracker(count: 0)
        #expect(empty.pick(at: .zero) { _ in true } == nil)
    }

    @Test("out-of-range settings are clamped and unknown indices ignored")
    func clamping() {
        var tracker = EjectingBalancer.StateMachine(count: 1, maxFails: 0, ejectTimeout: .seconds(-1), maxEjectTimeout: .zero)
        #expect(tracker.maxFails == 1)
        #expect(tracker.ejectTimeout == .nanoseconds(1))
        #expect(tracker.maxEjectTimeout == .nanoseconds(1))
        #expect(tracker.record(5, verdict: .failure, at: .zero) == nil)
        #expect(tracker.cooldown(forEjection: .max) == .nanoseconds(1))
        var extreme = EjectingBalancer.StateMachine(
            count: 1,
            maxFails: 1,
            ejectTimeout: .seconds(Int64.max) * 4,
            maxEjectTimeout: .seconds(Int64.max) * 8
        )
        #expect(extreme.record(0, isFailure: true, at: .zero) == Self.eject(0, from: .closed))
        #expect(extreme.cooldownEnd(of: 0) == .at(.seconds(Int64.max)))
        #expect(extreme.cooldown(forEjection: 200) == .seconds(Int64.max))
    }
}
