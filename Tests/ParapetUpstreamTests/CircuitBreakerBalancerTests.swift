import HTTPTypes
import ParapetCore
import ParapetSimulation
import ParapetTesting
import ParapetUpstream
import Testing

@Suite("CircuitBreakerBalancer")
struct CircuitBreakerBalancerTests {
    @Test func anOpenTargetGetsNoRoundTripUntilItsCooldownEnds() async throws {
        let backends = ScriptedBackends(["a": .fail(after: .milliseconds(5))])
        let breaker = CircuitBreakerBalancer(TargetPool(addresses: ["a", "b"], transport: backends))
        let targets = try await simulate { runtime in
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
        #expect(breaker.state(of: "a") == .open)
    }

    @Test func stateChangesAreReportedExactlyOncePerTransition() async throws {
        let changes = Recorder<StateChange>()
        let backends = ScriptedBackends(["a": .fail(after: .milliseconds(5))])
        let breaker = CircuitBreakerBalancer(
            TargetPool(addresses: ["a"], transport: backends),
            options: .init(onStateChange: { changes.append($0) })
        )
        try await simulate { runtime in
            let context = RequestContext.test(runtime)
            // Twenty concurrent failures: four past the threshold, one trip.
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<20 { group.addTask { _ = await breaker.outcome(context: context) } }
            }
            try await runtime.clock.sleep(until: .at(.seconds(6)))
            backends.set("a", .respond(after: .milliseconds(5)))
            for _ in 0..<4 { _ = await breaker.outcome(context: context) }
        }
        #expect(
            changes.elements == [
                StateChange(target: "a", from: .closed, to: .open, reason: .trip, sequence: 1),
                StateChange(target: "a", from: .open, to: .halfOpen, reason: .probe, sequence: 2),
                StateChange(target: "a", from: .halfOpen, to: .closed, reason: .heal, sequence: 3),
            ]
        )
        #expect(backends.count("a") == 24)
    }

    @Test func concurrentRequestsAfterTheCooldownGetOneProbeAndTheRestAreShed() async throws {
        let backends = ScriptedBackends(["a": .fail(after: .milliseconds(1))])
        let breaker = CircuitBreakerBalancer(
            TargetPool(addresses: ["a"], transport: backends), options: .init(failureThreshold: 1))
        let outcomes = try await simulate { runtime in
            let context = RequestContext.test(runtime)
            _ = await breaker.outcome(context: context)
            try await runtime.clock.sleep(until: .at(.seconds(6)))
            backends.set("a", .respond(after: .milliseconds(50)))
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
        #expect(breaker.state(of: "a") == .halfOpen)  // one probe success of two
    }

    @Test func aFiveHundredCountsOnlyWithAClassifierThatSaysSo() async throws {
        let backends = ScriptedBackends(otherwise: .respond(.serviceUnavailable, after: .milliseconds(1)))
        let lenient = CircuitBreakerBalancer(
            TargetPool(addresses: ["a"], transport: backends), options: .init(failureThreshold: 2))
        let strict = CircuitBreakerBalancer(
            TargetPool(addresses: ["a"], transport: backends),
            options: .init(
                failureThreshold: 2,
                isFailure: FailureClassifiers.transportFailuresAndServerErrors)
        )
        let (lenientOutcome, strictOutcome) = try await simulate { runtime in
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
        let backends = ScriptedBackends(["a": .hang()])
        let breaker = CircuitBreakerBalancer(
            TargetPool(addresses: ["a"], transport: backends), options: .init(failureThreshold: 1))
        try await simulate { runtime in
            let context = RequestContext.test(runtime)
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<3 { group.addTask { _ = await breaker.outcome(context: context) } }
                try? await runtime.clock.sleep(for: .seconds(1))
                group.cancelAll()
            }
        }
        #expect(backends.endings == Array(repeating: .cancelled("a"), count: 3))
        #expect(breaker.state(of: "a") == .closed)
    }

    @Test func anEmptyPoolShedsAsEmpty() async throws {
        let breaker = CircuitBreakerBalancer(TargetPool([]))
        let outcome = try await simulate { runtime in
            await breaker.outcome(context: .test(runtime))
        }
        #expect(outcome.shedReason == .empty)
    }
}
