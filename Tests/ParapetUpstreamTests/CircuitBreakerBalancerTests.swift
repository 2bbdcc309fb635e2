import HTTPTypes
import ParapetCore
import ParapetSimulation
import ParapetUpstream
import Testing

@Suite("CircuitBreakerBalancer")
struct CircuitBreakerBalancerTests {
    @Test func anOpenTargetGetsNoRoundTripUntilItsCooldownEnds() async throws {
        let backends = ScriptedBackends(["a": .fail(after: .milliseconds(5))])
        let breaker = try CircuitBreakerBalancer(TargetPool(addresses: ["a", "b"], transport: backends))
        let targets = try await Simulation(seed: 1).run { runtime in
            let context = RequestContext.test(runtime)
            var answered: [String?] = []
            for _ in 0..<30 { answered.append(await breaker.outcome(context: context).target) }
            try await runtime.clock.sleep(until: .at(.seconds(6)))
            answered.append(await breaker.outcome(context: context).target)  // the probe: fails again
            return answered
        }
        #expect(backends.count("a") == 6)  // five to trip, then the one probe after the cooldown
        #expect(Array(targets.prefix(10)) == [nil, "b", nil, "b", nil, "b", nil, "b", nil, "b"])
        #expect(targets[10..<30].allSatisfy { $0 == "b" })
        #expect(targets.last == .some(nil))
        #expect(breaker.state(of: 0) == .open)
    }

    @Test func stateChangesAreReportedExactlyOncePerTransition() async throws {
        let changes = Recorder<StateChange>()
        let backends = ScriptedBackends(["a": .fail(after: .milliseconds(5))])
        let breaker = try CircuitBreakerBalancer(
            TargetPool(addresses: ["a"], transport: backends),
            options: .init(onStateChange: { changes.record($0) })
        )
        try await Simulation(seed: 1).run { runtime in
            let context = RequestContext.test(runtime)
            // Twenty concurrent failures: four past the threshold, one trip.
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<20 { group.addTask { _ = await breaker.outcome(context: context) } }
            }
            try await runtime.clock.sleep(until: .at(.seconds(6)))
            backends.set("a", .answer(after: .milliseconds(5)))
            for _ in 0..<4 { _ = await breaker.outcome(context: context) }
        }
        #expect(
            changes.all == [
                StateChange(target: "a", from: .closed, to: .open, reason: .trip),
                StateChange(target: "a", from: .open, to: .halfOpen, reason: .probe),
                StateChange(target: "a", from: .halfOpen, to: .closed, reason: .heal),
            ]
        )
        #expect(backends.count("a") == 24)
    }

    @Test func concurrentRequestsAfterTheCooldownGetOneProbeAndTheRestAreShed() async throws {
        let backends = ScriptedBackends(["a": .fail(after: .milliseconds(1))])
        let breaker = try CircuitBreakerBalancer(
            TargetPool(addresses: ["a"], transport: backends), options: .init(failureThreshold: 1))
        let outcomes = try await Simulation(seed: 1).run { runtime in
            let context = RequestContext.test(runtime)
            _ = await breaker.outcome(context: context)
            try await runtime.clock.sleep(until: .at(.seconds(6)))
            backends.set("a", .answer(after: .milliseconds(50)))
            return await withTaskGroup(of: Result<UpstreamResponse, any Error>.self) { group in
                for _ in 0..<10 { group.addTask { await breaker.outcome(context: context) } }
                var outcomes: [Result<UpstreamResponse, any Error>] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
        }
        #expect(outcomes.filter { $0.target == "a" }.count == 1)
        #expect(outcomes.filter { $0.shedReason == .allOpen }.count == 9)
        #expect(backends.count("a") == 2)
        #expect(breaker.state(of: 0) == .halfOpen)  // one probe success of two
    }

    @Test func aFiveHundredCountsOnlyWithAClassifierThatSaysSo() async throws {
        let backends = ScriptedBackends(otherwise: .answer(after: .milliseconds(1), status: .serviceUnavailable))
        let lenient = try CircuitBreakerBalancer(
            TargetPool(addresses: ["a"], transport: backends), options: .init(failureThreshold: 2))
        let strict = try CircuitBreakerBalancer(
            TargetPool(addresses: ["a"], transport: backends),
            options: .init(
                failureThreshold: 2,
                isFailure: { outcome in
                    if case .success(let answer) = outcome { return answer.response.status.code >= 500 }
                    return transportFailuresOnly(outcome)
                })
        )
        let (lenientOutcome, strictOutcome) = try await Simulation(seed: 1).run { runtime in
            let context = RequestContext.test(runtime)
            for _ in 0..<2 {
                _ = await lenient.outcome(context: context)
                _ = await strict.outcome(context: context)
            }
            return (await lenient.outcome(context: context), await strict.outcome(context: context))
        }
        #expect(lenientOutcome.target == "a")
        #expect(strictOutcome.shedReason == .allOpen)
    }

    @Test func aCancelledClientDoesNotTripTheCircuit() async throws {
        let backends = ScriptedBackends(["a": .hang])
        let breaker = try CircuitBreakerBalancer(
            TargetPool(addresses: ["a"], transport: backends), options: .init(failureThreshold: 1))
        try await Simulation(seed: 1).run { runtime in
            let context = RequestContext.test(runtime)
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<3 { group.addTask { _ = await breaker.outcome(context: context) } }
                try? await runtime.clock.sleep(for: .seconds(1))
                group.cancelAll()
            }
        }
        #expect(backends.endings.all == Array(repeating: .cancelled("a"), count: 3))
        #expect(breaker.state(of: 0) == .closed)
    }

    @Test func anEmptyPoolShedsAsEmpty() async throws {
        let breaker = try CircuitBreakerBalancer(TargetPool([]))
        let outcome = try await Simulation(seed: 1).run { runtime in
            await breaker.outcome(context: .test(runtime))
        }
        #expect(outcome.shedReason == .empty)
    }
}
