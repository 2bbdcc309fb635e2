import ParapetCore
import ParapetUpstream
import Testing

/// Drives a ``CircuitBreakerBalancer/StateMachine`` by hand, keeping the transitions it reports.
private struct Driver {
    var machine: CircuitBreakerBalancer.StateMachine
    var transitions: [TargetTransition] = []
    var isUp: @Sendable (Int) -> Bool = { _ in true }

    init(targets: Int = 1, options: CircuitBreakerBalancer.Options = .init()) throws {
        machine = try CircuitBreakerBalancer.StateMachine(targetCount: targets, options: options)
    }

    mutating func pick(at now: MonotonicInstant) -> CircuitBreakerBalancer.StateMachine.Pick {
        machine.pick(at: now, isUp: isUp, transitions: &transitions)
    }

    mutating func admit(at now: MonotonicInstant) -> CircuitBreakerBalancer.StateMachine.Admission? {
        if case .target(let admission) = pick(at: now) { admission } else { nil }
    }

    mutating func record(
        _ verdict: RoundTripVerdict, _ admission: CircuitBreakerBalancer.StateMachine.Admission?, at now: MonotonicInstant
    ) {
        guard let admission else { return }
        if let transition = machine.record(verdict, for: admission, at: now) { transitions.append(transition) }
    }

    /// Admits and fails `count` requests at `now`, one after another.
    mutating func fail(_ count: Int, at now: MonotonicInstant) {
        for _ in 0..<count { record(.failure, admit(at: now), at: now) }
    }

    var reasons: [StateChangeReason] { transitions.map(\.reason) }
}

@Suite("CircuitBreakerBalancer.StateMachine")
struct CircuitBreakerBalancerStateMachineTests {
    @Test func opensAfterTheFailureThresholdOfConsecutiveFailures() throws {
        var driver = try Driver()
        driver.fail(4, at: .zero)
        driver.record(.success, driver.admit(at: .zero), at: .zero)  // resets the count
        driver.fail(4, at: .zero)
        #expect(driver.machine.state(of: 0) == .closed)
        #expect(driver.transitions.isEmpty)
        driver.fail(1, at: .zero)
        #expect(driver.machine.state(of: 0) == .open)
        #expect(driver.transitions == [TargetTransition(target: 0, from: .closed, to: .open, reason: .trip)])
        #expect(driver.pick(at: .at(.seconds(4))) == .shed(.allOpen))
    }

    @Test func concurrentThresholdCrossersTripOnce() throws {
        var driver = try Driver()
        let burst = (0..<8).map { _ in driver.admit(at: .zero) }
        for admission in burst { driver.record(.failure, admission, at: .zero) }
        #expect(driver.reasons == [.trip])
        #expect(driver.machine.cooldownEnd(of: 0) == .at(.seconds(5)))  // one trip: the base cooldown
    }

    @Test(arguments: [1, 3])
    func halfOpenAdmitsAtMostTheProbeBudget(budget: Int) throws {
        var driver = try Driver(options: .init(halfOpenMaxProbes: budget))
        driver.fail(5, at: .zero)
        #expect(driver.pick(at: .at(.milliseconds(4_999))) == .shed(.allOpen))
        let probes = (0..<budget).map { _ in driver.admit(at: .at(.seconds(5))) }
        #expect(probes.allSatisfy { $0?.isProbe == true })
        #expect(driver.pick(at: .at(.seconds(5))) == .shed(.allOpen))
        #expect(driver.machine.state(of: 0) == .halfOpen)
        #expect(driver.reasons == [.trip, .probe])
    }

    @Test func closesAfterTheSuccessThresholdOfProbes() throws {
        var driver = try Driver()
        driver.fail(5, at: .zero)
        let first = driver.admit(at: .at(.seconds(5)))
        driver.record(.success, first, at: .at(.seconds(5)))
        #expect(driver.machine.state(of: 0) == .halfOpen)
        let second = driver.admit(at: .at(.seconds(6)))
        #expect(second?.isProbe == true)
        driver.record(.success, second, at: .at(.seconds(6)))
        #expect(driver.machine.state(of: 0) == .closed)
        #expect(driver.reasons == [.trip, .probe, .heal])
        #expect(driver.admit(at: .at(.seconds(6)))?.isProbe == false)
    }

    @Test func reopensOnOneProbeFailureWithALongerCooldown() throws {
        var driver = try Driver()
        driver.fail(5, at: .zero)
        driver.record(.success, driver.admit(at: .at(.seconds(5))), at: .at(.seconds(5)))
        driver.record(.failure, driver.admit(at: .at(.seconds(5))), at: .at(.seconds(5)))
        #expect(driver.machine.state(of: 0) == .open)
        #expect(driver.transitions.last == TargetTransition(target: 0, from: .halfOpen, to: .open, reason: .reopen))
        #expect(driver.machine.cooldownEnd(of: 0) == .at(.seconds(15)))
        #expect(driver.pick(at: .at(.seconds(14))) == .shed(.allOpen))
    }

    @Test func openTimeoutDoublesPerTripCapsAndResetsOnHeal() throws {
        var driver = try Driver()
        var now = MonotonicInstant.zero
        driver.fail(5, at: now)
        var cooldowns: [Duration] = []
        for _ in 0..<6 {
            guard let end = driver.machine.cooldownEnd(of: 0) else { break }
            cooldowns.append(end - now)
            now = end
            driver.record(.failure, driver.admit(at: now), at: now)  // the probe fails: reopen
        }
        #expect(cooldowns == [5, 10, 20, 40, 60, 60].map { Duration.seconds($0) })

        now = try #require(driver.machine.cooldownEnd(of: 0))
        for _ in 0..<2 { driver.record(.success, driver.admit(at: now), at: now) }
        #expect(driver.machine.state(of: 0) == .closed)
        driver.fail(5, at: now)
        #expect(driver.machine.cooldownEnd(of: 0) == now.advanced(by: .seconds(5)))
    }

    @Test func aProbeHoldingItsSlotPastTheProbeTimeoutIsReclaimed() throws {
        var driver = try Driver(options: .init(probeTimeout: .seconds(120)))
        driver.fail(5, at: .zero)
        let stuck = driver.admit(at: .at(.seconds(5)))
        #expect(driver.pick(at: .at(.seconds(125))) == .shed(.allOpen))  // exactly the timeout: still held
        #expect(driver.machine.state(of: 0) == .halfOpen)
        let overdue = MonotonicInstant.at(.seconds(125) + .nanoseconds(1))
        #expect(driver.pick(at: overdue) == .shed(.allOpen))
        #expect(driver.transitions.last == TargetTransition(target: 0, from: .halfOpen, to: .open, reason: .expire))
        #expect(driver.machine.cooldownEnd(of: 0) == overdue.advanced(by: .seconds(10)))

        let count = driver.transitions.count
        driver.record(.success, stuck, at: overdue)  // the stale probe finally answers: inert
        #expect(driver.transitions.count == count)
        #expect(driver.machine.state(of: 0) == .open)
    }

    @Test func aCancelledProbeFreesItsSlotButCountsNeitherWay() throws {
        var driver = try Driver()
        driver.fail(5, at: .zero)
        let now = MonotonicInstant.at(.seconds(5))
        driver.record(.neutral, driver.admit(at: now), at: now)
        driver.record(.success, driver.admit(at: now), at: now)
        #expect(driver.machine.state(of: 0) == .halfOpen)  // one success of two: the cancellation did not count
        driver.record(.neutral, driver.admit(at: now), at: now)
        #expect(driver.machine.state(of: 0) == .halfOpen)  // nor did it fail the circuit
        driver.record(.success, driver.admit(at: now), at: now)
        #expect(driver.reasons == [.trip, .probe, .heal])
    }

    @Test func aCancellationWhileClosedNeitherFailsNorResetsTheCount() throws {
        var driver = try Driver()
        driver.fail(4, at: .zero)
        driver.record(.neutral, driver.admit(at: .zero), at: .zero)
        #expect(driver.transitions.isEmpty)
        driver.fail(1, at: .zero)
        #expect(driver.reasons == [.trip])
    }

    @Test func picksRoundRobinSkippingOpenAndGatedDownTargets() throws {
        var driver = try Driver(targets: 3, options: .init(failureThreshold: 1))
        let rotation = (0..<4).compactMap { _ in driver.admit(at: .zero)?.target }
        #expect(rotation == [0, 1, 2, 0])

        driver.record(.failure, driver.admit(at: .zero), at: .zero)  // target 1 trips
        let survivors = (0..<4).compactMap { _ in driver.admit(at: .zero)?.target }
        #expect(survivors == [2, 0, 2, 0])

        driver.isUp = { $0 != 0 }
        #expect(driver.admit(at: .zero)?.target == 2)
        driver.isUp = { _ in false }
        #expect(driver.pick(at: .zero) == .shed(.allOpen))
    }

    @Test func anEmptyPoolSheds() throws {
        var driver = try Driver(targets: 0)
        #expect(driver.pick(at: .zero) == .shed(.empty))
    }

    @Test(arguments: [
        ("failureThreshold", CircuitBreakerBalancer.Options(failureThreshold: 0)),
        ("successThreshold", CircuitBreakerBalancer.Options(successThreshold: 0)),
        ("halfOpenMaxProbes", CircuitBreakerBalancer.Options(halfOpenMaxProbes: 0)),
        ("openTimeout", CircuitBreakerBalancer.Options(openTimeout: .zero)),
        ("maxOpenTimeout", CircuitBreakerBalancer.Options(maxOpenTimeout: .seconds(-1))),
        ("probeTimeout", CircuitBreakerBalancer.Options(probeTimeout: .zero)),
    ])
    func nonsensicalOptionsAreRejectedByName(field: String, options: CircuitBreakerBalancer.Options) {
        #expect {
            _ = try CircuitBreakerBalancer.StateMachine(targetCount: 1, options: options)
        } throws: { error in
            guard case ConfigurationError.invalidValue(let named, let reason) = error else { return false }
            return named == field && reason.contains(", got ")  // the reason names the bad value
        }
    }

    @Test func absurdDurationsAreCappedSoNoCooldownOverflows() throws {
        let huge = Duration.seconds(Int64.max) * 8  // doubled, still within Duration's range
        let options = CircuitBreakerBalancer.Options(openTimeout: huge, maxOpenTimeout: huge * 2, probeTimeout: huge)
        let effective = CircuitBreakerBalancer(TargetPool([]), options: options).options
        #expect(effective.openTimeout == .seconds(Int64.max))
        #expect(effective.maxOpenTimeout == .seconds(Int64.max))
        #expect(effective.probeTimeout == .seconds(Int64.max))

        var driver = try Driver(options: options)
        driver.fail(5, at: .zero)
        var now = try #require(driver.machine.cooldownEnd(of: 0))
        #expect(now == .at(.seconds(Int64.max)))
        for _ in 0..<3 {  // probe, fail, reopen: the cooldown would double past Duration's range uncapped
            driver.record(.failure, driver.admit(at: now), at: now)
            let end = try #require(driver.machine.cooldownEnd(of: 0))
            #expect(end - now == .seconds(Int64.max))
            now = end
        }
        #expect(driver.reasons == [.trip, .probe, .reopen, .probe, .reopen, .probe, .reopen])
    }

    @Test func aMaximumCooldownBelowTheBaseIsRaisedToIt() throws {
        var driver = try Driver(options: .init(openTimeout: .seconds(5), maxOpenTimeout: .seconds(1)))
        driver.fail(5, at: .zero)
        #expect(driver.machine.cooldownEnd(of: 0) == .at(.seconds(5)))
    }
}
