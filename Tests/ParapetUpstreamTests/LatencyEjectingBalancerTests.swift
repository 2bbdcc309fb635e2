import ParapetCore
import ParapetSimulation
import ParapetTesting
import ParapetUpstream
import Testing

@Suite("LatencyEjectingBalancer")
struct LatencyEjectingBalancerTests {
    @Test func ejectsATenfoldOutlierAfterMinSamplesAndHealsIt() async throws {
        let backends = ScriptedBackends(["d": .respond(after: .milliseconds(100))])
        let ejectedAfterCalls = Recorder<Int>()
        let changes = Recorder<StateChange>()
        let balancer = LatencyEjectingBalancer(
            TargetPool(addresses: ["a", "b", "c", "d"], transport: backends),
            options: .init(onStateChange: { change in
                changes.append(change)
                ejectedAfterCalls.append(backends.count("d"))
            })
        )
        let (ejectedAt, callsToDWhileEjected) = try await simulate { runtime in
            let context = RequestContext.test(runtime)
            while changes.elements.isEmpty { _ = await balancer.outcome(context: context) }
            let ejectedAt = runtime.clock.now
            let callsBefore = backends.count("d")
            while runtime.clock.now < ejectedAt.advanced(by: .seconds(30)) {
                _ = await balancer.outcome(context: context)
            }
            let callsWhileEjected = backends.count("d") - callsBefore
            backends.set("d", .respond(after: .milliseconds(12)))
            while changes.elements.count < 2 { _ = await balancer.outcome(context: context) }
            return (ejectedAt, callsWhileEjected)
        }
        #expect(ejectedAt == .at(.milliseconds(100 * 130)))  // 100 rounds of 3 × 10 ms + 100 ms
        #expect(callsToDWhileEjected == 0)
        #expect(ejectedAfterCalls.elements == [100, 200])  // ejected on its 100th sample, healed on the next 100th
        #expect(
            changes.elements == [
                StateChange(target: "d", from: .closed, to: .open, reason: .eject, sequence: 1),
                StateChange(target: "d", from: .open, to: .closed, reason: .recover, sequence: 2),
            ]
        )
    }

    @Test func roundTripsThatThrowAreNeitherTimedNorEjected() async throws {
        let backends = ScriptedBackends(["d": .fail(after: .seconds(1))])
        let changes = Recorder<StateChange>()
        let balancer = LatencyEjectingBalancer(
            TargetPool(addresses: ["a", "b", "c", "d"], transport: backends),
            options: .init(minSamples: 5, onStateChange: { changes.append($0) })
        )
        try await simulate { runtime in
            let context = RequestContext.test(runtime)
            for _ in 0..<200 { _ = await balancer.outcome(context: context) }
        }
        #expect(changes.elements.isEmpty)
        #expect(backends.count("d") == 50)
    }

    @Test(arguments: [
        ("ejectionFactor", LatencyEjectingBalancer.Options(ejectionFactor: 1), 3.0),
        ("ejectionFactor", LatencyEjectingBalancer.Options(ejectionFactor: .nan), 3.0),
        ("minHosts", LatencyEjectingBalancer.Options(minHosts: 1), 3.0),
        ("maxEjectionPercent", LatencyEjectingBalancer.Options(maxEjectionPercent: 0), 30.0),
        ("maxEjectionPercent", LatencyEjectingBalancer.Options(maxEjectionPercent: 101), 30.0),
        ("panicThreshold", LatencyEjectingBalancer.Options(panicThreshold: 0), 50.0),
        ("panicThreshold", LatencyEjectingBalancer.Options(maxEjectionPercent: 60, panicThreshold: 50), 61.0),
        (
            "maxEjectTimeout",
            LatencyEjectingBalancer.Options(ejectTimeout: .seconds(40), maxEjectTimeout: .seconds(1)), 40.0
        ),
    ])
    func outOfRangeOptionsAreClampedAsDocumented(
        field: String, options: LatencyEjectingBalancer.Options, expected: Double
    ) throws {
        let effective = LatencyEjectingBalancer(TargetPool([]), options: options).options
        let value: Double =
            switch field {
            case "ejectionFactor": effective.ejectionFactor
            case "minHosts": Double(effective.minHosts)
            case "maxEjectionPercent": Double(effective.maxEjectionPercent)
            case "panicThreshold": Double(effective.panicThreshold)
            default: effective.maxEjectTimeout.inSecondsForTest
            }
        #expect(value == expected)
    }

    @Test(arguments: [
        ("minSamples", LatencyEjectingBalancer.Options(minSamples: 0)),
        ("halfLife", LatencyEjectingBalancer.Options(halfLife: .zero)),
        ("minEjectDelta", LatencyEjectingBalancer.Options(minEjectDelta: .milliseconds(-1))),
        ("minEjectLatency", LatencyEjectingBalancer.Options(minEjectLatency: .milliseconds(-1))),
        ("ejectTimeout", LatencyEjectingBalancer.Options(ejectTimeout: .zero)),
        ("maxEjectTimeout", LatencyEjectingBalancer.Options(maxEjectTimeout: .seconds(-5))),
    ])
    func nonsensicalOptionsAreRejectedByName(field: String, options: LatencyEjectingBalancer.Options) {
        #expect {
            try LatencyEjectingBalancer(TargetPool([]), options: options).checkConfiguration()
        } throws: { error in
            guard case ConfigurationError.invalidValue(let named, let reason) = error else { return false }
            return named == field && reason.contains(", got ")  // the reason names the bad value
        }
    }
}

extension Duration {
    fileprivate var inSecondsForTest: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
