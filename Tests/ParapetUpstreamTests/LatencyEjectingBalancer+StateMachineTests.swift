import ParapetCore
import ParapetUpstream
import Testing

/// Drives a ``LatencyEjectingBalancer/StateMachine`` by hand, keeping the transitions it reports.
private struct Driver {
    var machine: LatencyEjectingBalancer.StateMachine
    var transitions: [TargetTransition] = []
    var isUp: @Sendable (Int) -> Bool = { _ in true }

    init(targets: Int, options: LatencyEjectingBalancer.Options = .init()) throws {
        machine = try LatencyEjectingBalancer.StateMachine(targetCount: targets, options: options)
    }

    mutating func record(_ latency: Duration, target: Int, at now: MonotonicInstant) {
        if let transition = machine.record(latency: latency, target: target, at: now) { transitions.append(transition) }
    }

    /// Picks a target at `now` and records the latency `latencies` gives for it.
    mutating func serve(at now: MonotonicInstant, latencies: (Int) -> Duration) -> LatencyEjectingBalancer.StateMachine.Pick? {
        guard let pick = machine.pick(at: now, isUp: isUp) else { return nil }
        record(latencies(pick.target), target: pick.target, at: now)
        return pick
    }

    func ejectedCount(at now: MonotonicInstant) -> Int {
        (0..<machine.targetCount).filter { machine.isEjected($0, at: now) }.count
    }
}

@Suite("LatencyEjectingBalancer.StateMachine")
struct LatencyEjectingBalancerStateMachineTests {
    @Test func theMeanSeedsExactlyAndDecaysWithTheHalfLife() throws {
        var driver = try Driver(targets: 1, options: .init(halfLife: .seconds(10)))
        #expect(driver.machine.meanLatency(of: 0) == nil)
        driver.record(.milliseconds(100), target: 0, at: .zero)
        #expect(driver.machine.meanLatency(of: 0) == .milliseconds(100))
        driver.record(.milliseconds(200), target: 0, at: .at(.seconds(10)))  // one half-life later: halfway
        #expect(driver.machine.meanLatency(of: 0) == .milliseconds(150))
        driver.record(.seconds(1), target: 0, at: .at(.seconds(10)))  // no time elapsed: no weight
        driver.record(.seconds(1), target: 0, at: .at(.seconds(9)))  // out of order: dt counts as 0
        #expect(driver.machine.meanLatency(of: 0) == .milliseconds(150))
        driver.record(.milliseconds(50), target: 0, at: .at(.seconds(30)))  // two half-lives: a quarter left
        #expect(driver.machine.meanLatency(of: 0) == .milliseconds(75))
    }

    @Test func aTenfoldOutlierIsEjectedOnItsMinSamplesthSample() throws {
        var driver = try Driver(targets: 4)
        var now = MonotonicInstant.zero
        for round in 1...100 {
            now = .at(.milliseconds(10 * round))
            for fast in 0..<3 { driver.record(.milliseconds(10), target: fast, at: now) }
            driver.record(.milliseconds(100), target: 3, at: now)
            #expect(driver.transitions.isEmpty == (round < 100))
        }
        #expect(driver.transitions == [TargetTransition(target: 3, from: .closed, to: .open, reason: .eject)])
        #expect(driver.machine.meanLatency(of: 3) == nil)  // wiped: it must earn its samples again
        let picks = (0..<6).compactMap { _ in driver.machine.pick(at: now, isUp: driver.isUp) }
        #expect(picks.map(\.target) == [0, 1, 2, 0, 1, 2])
        #expect(picks.allSatisfy { $0.route == .normal })
        #expect(driver.machine.isEjected(3, at: now.advanced(by: .milliseconds(29_999))))
        #expect(!driver.machine.isEjected(3, at: now.advanced(by: .seconds(30))))
    }

    @Test func aUniformSlowdownEjectsNobody() throws {
        var driver = try Driver(targets: 4)
        for step in 0..<4_000 {
            let slowdown = step < 1_600 ? 1 : 10
            _ = driver.serve(at: .at(.milliseconds(10 * step))) { .milliseconds((10 + $0) * slowdown) }
        }
        #expect(driver.transitions.isEmpty)
    }

    @Test func ejectionsNeverDrainThePoolPastTheCap() throws {
        var driver = try Driver(targets: 10)  // 4 of 10 slow; the 30 % cap allows 3
        var mostEjected = 0
        for step in 0..<20_000 {
            let now = MonotonicInstant.at(.milliseconds(10 * step))
            _ = driver.serve(at: now) { $0 < 4 ? .milliseconds(100) : .milliseconds(10) }
            mostEjected = max(mostEjected, driver.ejectedCount(at: now))
        }
        #expect(mostEjected == 3)
        #expect(driver.transitions.filter { $0.reason == .eject }.count > 3)  // windows ended and slow ones re-ejected
    }

    @Test func aRecoveredTargetHealsAndItsBackoffResets() throws {
        var driver = try Driver(targets: 4, options: .init(minSamples: 10))
        var now = MonotonicInstant.zero
        var slow = true
        func round() {
            now = now.advanced(by: .milliseconds(10))
            for target in 0..<4 {
                guard !driver.machine.isEjected(target, at: now) else { continue }
                driver.record(target == 3 && slow ? .milliseconds(100) : .milliseconds(10), target: target, at: now)
            }
        }
        for _ in 0..<10 { round() }
        #expect(driver.transitions.map(\.reason) == [.eject])
        let firstEjection = now

        // Still slow after the window: re-ejected from open, for twice as long.
        while now < firstEjection.advanced(by: .seconds(30)) { round() }
        for _ in 0..<10 { round() }
        #expect(driver.transitions.last == TargetTransition(target: 3, from: .open, to: .open, reason: .eject))
        let secondEjection = now
        #expect(driver.machine.isEjected(3, at: secondEjection.advanced(by: .seconds(59))))
        #expect(!driver.machine.isEjected(3, at: secondEjection.advanced(by: .seconds(60))))

        // Fast again after the window: heals on its tenth sample.
        slow = false
        while now < secondEjection.advanced(by: .seconds(60)) { round() }
        for _ in 0..<10 { round() }
        #expect(driver.transitions.last == TargetTransition(target: 3, from: .open, to: .closed, reason: .recover))
        #expect(driver.transitions.count == 3)

        // Slow once more: once its mean has climbed, a fresh episode from closed, with the base cooldown.
        slow = true
        for _ in 0..<3_000 where driver.transitions.count == 3 { round() }
        #expect(driver.transitions.last == TargetTransition(target: 3, from: .closed, to: .open, reason: .eject))
        #expect(driver.machine.isEjected(3, at: now.advanced(by: .milliseconds(29_999))))
        #expect(!driver.machine.isEjected(3, at: now.advanced(by: .seconds(30))))
    }

    @Test func absoluteFloorsKeepAFastPoolFromEjecting() throws {
        // 4 ms is 4× a 1 ms median, but only 3 ms above it: under the 50 ms delta.
        var delta = try Driver(targets: 4, options: .init(minSamples: 5))
        // 100 ms is 10× the median, but under a 500 ms absolute floor.
        var floor = try Driver(targets: 4, options: .init(minSamples: 5, minEjectLatency: .milliseconds(500)))
        for step in 1...50 {
            let now = MonotonicInstant.at(.milliseconds(10 * step))
            _ = delta.serve(at: now) { $0 == 3 ? .milliseconds(4) : .milliseconds(1) }
            _ = floor.serve(at: now) { $0 == 3 ? .milliseconds(100) : .milliseconds(10) }
        }
        #expect(delta.transitions.isEmpty)
        #expect(floor.transitions.isEmpty)
    }

    @Test func aThreeTargetPoolNeverEjectsUnderTheDefaultCap() throws {
        var driver = try Driver(targets: 3, options: .init(minSamples: 5))
        for step in 1...300 {
            _ = driver.serve(at: .at(.milliseconds(10 * step))) { $0 == 2 ? .seconds(1) : .milliseconds(10) }
        }
        #expect(driver.transitions.isEmpty)
    }

    @Test func absurdDurationsAreCappedSoNoEjectionOverflows() throws {
        let huge = Duration.seconds(Int64.max) * 8  // doubled, still within Duration's range
        let options = LatencyEjectingBalancer.Options(
            minSamples: 1, halfLife: huge, minEjectDelta: huge, minEjectLatency: huge, ejectTimeout: huge,
            maxEjectTimeout: huge * 2)
        let effective = LatencyEjectingBalancer(TargetPool([]), options: options).options
        #expect(effective.halfLife == .seconds(Int64.max))
        #expect(effective.minEjectDelta == .seconds(Int64.max))
        #expect(effective.minEjectLatency == .seconds(Int64.max))
        #expect(effective.ejectTimeout == .seconds(Int64.max))
        #expect(effective.maxEjectTimeout == .seconds(Int64.max))

        var driver = try Driver(
            targets: 4, options: .init(minSamples: 1, ejectTimeout: huge, maxEjectTimeout: huge * 2))
        var now = MonotonicInstant.zero
        for _ in 0..<3 {  // each ejection would double the cooldown past Duration's range uncapped
            for fast in 0..<3 { driver.record(.milliseconds(10), target: fast, at: now) }
            driver.record(.milliseconds(100), target: 3, at: now)
            #expect(driver.machine.isEjected(3, at: now))
            now = now.advanced(by: .seconds(Int64.max))
            #expect(!driver.machine.isEjected(3, at: now))
        }
        #expect(driver.transitions.map(\.from) == [.closed, .open, .open])
        #expect(driver.machine.state(of: 3) == .open)
    }

    @Test func everyTargetGatedDownFailsOpenToTheRotationSlot() throws {
        var driver = try Driver(targets: 4)
        driver.isUp = { _ in false }
        let picks = (0..<5).compactMap { _ in driver.machine.pick(at: .zero, isUp: driver.isUp) }
        #expect(picks.map(\.target) == [0, 1, 2, 3, 0])
        #expect(picks.allSatisfy { $0.route == .failOpen })
        var empty = try Driver(targets: 0)
        #expect(empty.machine.pick(at: .zero, isUp: empty.isUp) == nil)
    }

    @Test func moreThanThePanicShareOfGateUpTargetsEjectedRoutesToAllOfThem() throws {
        var driver = try Driver(targets: 10, options: .init(minSamples: 5))
        var now = MonotonicInstant.zero
        while driver.ejectedCount(at: now) < 3 {
            now = now.advanced(by: .milliseconds(10))
            _ = driver.serve(at: now) { $0 < 3 ? .milliseconds(100) : .milliseconds(10) }
        }
        // Six up, three of them ejected: 50 %, not above the threshold.
        driver.isUp = { $0 < 6 }
        let normal = (0..<6).compactMap { _ in driver.machine.pick(at: now, isUp: driver.isUp) }
        #expect(Set(normal.map(\.target)) == [3, 4, 5])
        #expect(normal.allSatisfy { $0.route == .normal })
        // Five up, three ejected: 60 % — systemic, so the ejected ones serve too.
        driver.isUp = { $0 < 5 }
        let panic = (0..<5).compactMap { _ in driver.machine.pick(at: now, isUp: driver.isUp) }
        #expect(Set(panic.map(\.target)) == [0, 1, 2, 3, 4])
        #expect(panic.allSatisfy { $0.route == .panic })
        // Only ejected ones up: fail open to them.
        driver.isUp = { $0 < 3 }
        #expect(driver.machine.pick(at: now, isUp: driver.isUp)?.route == .failOpen)
    }
}
