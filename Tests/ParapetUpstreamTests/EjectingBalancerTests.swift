import HTTPTypes
import ParapetCore
import ParapetTesting
import ParapetUpstream
import Synchronization
import Testing

@Suite("Ejecting balancer")
struct EjectingBalancerTests {
    @Test("a failing target is ejected after three failures, skipped for 30 s, then picked again")
    func ejectsAndReturns() async throws {
        let routes = Recorder<String>()
        let changes = Recorder<StateChange>()
        let failing = Mutex(true)
        let flaky = StubTransport { request, _ in
            routes.append(request.target ?? "?")
            if failing.withLock({ $0 }) {
                throw UpstreamError.failed(target: request.target, underlying: BackendFailure())
            }
            return UpstreamResponse(response: .text("ok\n"), target: request.target)
        }
        let pool = TargetPool([
            Target("a", transport: StubTransport.ok(recording: routes)), Target("b", transport: flaky),
        ])
        let balancer = EjectingBalancer(pool, options: .init(onStateChange: { changes.append($0) }))
        try await simulate { runtime in
            let context = RequestContext.test(runtime)
            for _ in 0..<6 {
                _ = try? await balancer.roundTrip(UpstreamRequest.test(), context: context)
            }
            _ = try await route(2, through: balancer, context: context)  // b is ejected: a, a
            try await runtime.clock.sleep(for: .seconds(30))
            failing.withLock { $0 = false }
            #expect(balancer.state(of: "b") == .open)  // its cooldown passed, but nothing recovered it yet
            _ = try await route(2, through: balancer, context: context)  // b is back, and recovers
        }
        #expect(routes.elements == ["a", "b", "a", "b", "a", "b", "a", "a", "b", "a"])
        #expect(
            changes.elements == [
                StateChange(target: "b", from: .closed, to: .open, reason: .eject, sequence: 1),
                StateChange(target: "b", from: .open, to: .closed, reason: .recover, sequence: 2),
            ])
        #expect(balancer.state(of: "b") == .closed)
        #expect(balancer.state(of: "nowhere") == .closed)
    }

    @Test("in virtual time a target failing for ever is ejected for 1, 2, 4, 5, 5 s between attempts")
    func cooldownsInVirtualTime() async throws {
        let visits = Recorder<Duration>()
        let failing = StubTransport { request, context in
            visits.append(context.runtime.clock.now.offset)
            throw UpstreamError.failed(target: request.target, underlying: BackendFailure())
        }
        let pool = TargetPool([Target("a", transport: StubTransport.ok()), Target("b", transport: failing)])
        let options = EjectingBalancer.Options(maxFails: 1, ejectTimeout: .seconds(1), maxEjectTimeout: .seconds(5))
        let balancer = EjectingBalancer(pool, options: options)
        try await simulate { runtime in
            let context = RequestContext.test(runtime)
            for _ in 0..<200 {
                _ = try? await balancer.roundTrip(UpstreamRequest.test(), context: context)
                try await runtime.clock.sleep(for: .milliseconds(100))
            }
        }
        let times = visits.elements
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        let cooldowns: [Duration] = [1, 2, 4, 5, 5].map { .seconds($0) }
        #expect(gaps.count >= cooldowns.count)
        for (gap, cooldown) in zip(gaps, cooldowns) {
            #expect(gap >= cooldown && gap <= cooldown + .milliseconds(200), "gap \(gap), cooldown \(cooldown)")
        }
    }

    @Test("a concurrent burst of failures in flight together is one ejection")
    func concurrentBurst() async throws {
        let changes = Recorder<StateChange>()
        let slowFailure = StubTransport { request, context in
            try await context.runtime.clock.sleep(for: .milliseconds(100))
            throw UpstreamError.failed(target: request.target, underlying: BackendFailure())
        }
        let pool = TargetPool([Target("a", transport: StubTransport.ok()), Target("b", transport: slowFailure)])
        let balancer = EjectingBalancer(pool, options: .init(onStateChange: { changes.append($0) }))
        let failures = try await simulate { runtime in
            let context = RequestContext.test(runtime)
            return await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask { (try? await balancer.roundTrip(UpstreamRequest.test(), context: context)) == nil }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
        }
        #expect(failures == 10)
        #expect(changes.elements == [StateChange(target: "b", from: .closed, to: .open, reason: .eject, sequence: 1)])
    }

    @Test("a cancelled round trip is neutral, even when the transport reports the cancellation as a failure")
    func cancellationIsNeutral() async throws {
        let backends = ScriptedBackends(["a": .hang(throwing: resetByPeer)])
        let changes = Recorder<StateChange>()
        let balancer = EjectingBalancer(
            TargetPool(addresses: ["a", "b"], transport: backends),
            options: .init(maxFails: 1, onStateChange: { changes.append($0) })
        )
        let routes = try await simulate { runtime in
            let context = RequestContext.test(runtime)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { _ = await balancer.outcome(context: context) }  // to a, which hangs
                try? await runtime.clock.sleep(for: .seconds(1))
                group.cancelAll()
            }
            backends.set("a", .respond(after: .milliseconds(10)))
            return try await route(3, through: balancer, context: context)
        }
        #expect(backends.endings.first == .cancelled("a"))
        #expect(changes.elements.isEmpty)
        #expect(routes == ["b", "a", "b"])
        #expect(balancer.state(of: "a") == .closed)
    }

    @Test("cancellations are not failures by default; a custom classifier can count 5xx answers")
    func classifiers() async throws {
        let cancelled = StubTransport { _, _ in throw CancellationError() }
        let erroring = StubTransport { request, _ in
            UpstreamResponse(response: .error(.serviceUnavailable), target: request.target)
        }
        let lenient = EjectingBalancer(TargetPool([Target("a", transport: cancelled)]), options: .init(maxFails: 1))
        let strictChanges = Recorder<StateChange>()
        let strict = EjectingBalancer(
            TargetPool([Target("a", transport: erroring)]),
            options: .init(
                maxFails: 1,
                isFailure: FailureClassifiers.transportFailuresAndServerErrors,
                onStateChange: { strictChanges.append($0) }
            )
        )
        let lenientChanges = Recorder<StateChange>()
        let observed = EjectingBalancer(
            TargetPool([Target("a", transport: cancelled)]),
            options: .init(maxFails: 1, onStateChange: { lenientChanges.append($0) })
        )
        try await simulate { runtime in
            let context = RequestContext.test(runtime)
            for balancer in [lenient, observed] {
                await #expect(throws: CancellationError.self) {
                    _ = try await balancer.roundTrip(UpstreamRequest.test(), context: context)
                }
            }
            let answer = try await strict.roundTrip(UpstreamRequest.test(), context: context)
            #expect(answer.response.status == .serviceUnavailable)
        }
        #expect(lenientChanges.elements.isEmpty)
        #expect(strictChanges.elements.map(\.reason) == [.eject])
    }

    @Test("nonsensical options are rejected naming the field; a short maximum is raised to the timeout")
    func validation() throws {
        let pool = TargetPool([])
        let rejected: [(EjectingBalancer.Options, String)] = [
            (.init(maxFails: 0), "maxFails"),
            (.init(ejectTimeout: .zero), "ejectTimeout"),
            (.init(ejectTimeout: .seconds(-1)), "ejectTimeout"),
            (.init(maxEjectTimeout: .seconds(-1)), "maxEjectTimeout"),
        ]
        for (options, field) in rejected {
            #expect {
                try EjectingBalancer(pool, options: options).checkConfiguration()
            } throws: { error in
                guard case ConfigurationError.invalidValue(let named, let reason) = error else { return false }
                return named == field && reason.contains(", got ")  // the reason names the bad value
            }
        }
        let raised = EjectingBalancer(
            pool, options: .init(ejectTimeout: .seconds(60), maxEjectTimeout: .seconds(10)))
        #expect(raised.options.maxEjectTimeout == .seconds(60))
        let defaults = EjectingBalancer(pool)
        #expect(defaults.options.maxFails == 3)
        #expect(defaults.options.ejectTimeout == .seconds(30))
        #expect(defaults.options.maxEjectTimeout == .seconds(300))
    }
}
