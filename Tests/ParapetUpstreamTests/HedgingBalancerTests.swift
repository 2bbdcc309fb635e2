import HTTPTypes
import ParapetCore
import ParapetSimulation
import ParapetTesting
import ParapetUpstream
import Synchronization
import Testing

/// A plain rotation over `addresses`, standing in for the wrapped balancer.
private final class Rotation: Transport {
    let addresses: [String]
    let backends: ScriptedBackends
    private let cursor = Mutex(0)

    init(_ addresses: [String], _ backends: ScriptedBackends) {
        self.addresses = addresses
        self.backends = backends
    }

    func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        var outgoing = request
        outgoing.target = cursor.withLock { cursor in
            defer { cursor = (cursor + 1) % addresses.count }
            return addresses[cursor]
        }
        return try await backends.roundTrip(outgoing, context: context)
    }
}

/// One hedged round trip in a fresh simulation: its outcome and the virtual time it finished at.
private func hedge(
    _ request: UpstreamRequest = .test(),
    through backends: ScriptedBackends,
    targets: [String] = ["a", "b", "c"],
    options: HedgingBalancer.Options
) async throws -> (Result<UpstreamResponse, any Error>, MonotonicInstant) {
    let hedging = HedgingBalancer(wrapping: Rotation(targets, backends), options: options)
    return try await simulate { runtime in
        let outcome = await hedging.outcome(request, context: .test(runtime))
        return (outcome, runtime.clock.now)
    }
}

@Suite("HedgingBalancer")
struct HedgingBalancerTests {
    @Test func aSecondLegGoesToAnotherTargetAfterTheDelayAndTheLoserIsCancelled() async throws {
        let backends = ScriptedBackends([
            "a": .respond(after: .milliseconds(100)), "b": .respond(after: .milliseconds(10)),
        ])
        let (outcome, finished) = try await hedge(through: backends, options: .init(hedgeDelay: .milliseconds(20)))
        #expect(outcome.target == "b")
        #expect(finished == .at(.milliseconds(30)))
        #expect(
            backends.calls.map(\.target) == ["a", "b"])
        #expect(backends.calls.map(\.at) == [.zero, .at(.milliseconds(20))])
        #expect(backends.endings == [.answered("b"), .cancelled("a")])
    }

    @Test func aPrimaryAnsweringWithinTheDelayIsNeverHedged() async throws {
        let backends = ScriptedBackends(otherwise: .respond(after: .milliseconds(10)))
        let (outcome, finished) = try await hedge(through: backends, options: .init(hedgeDelay: .milliseconds(20)))
        #expect(outcome.target == "a")
        #expect(finished == .at(.milliseconds(10)))
        #expect(backends.targets == ["a"])
    }

    @Test(arguments: [
        ("POST", UpstreamRequest.test(.post), Duration.milliseconds(20)),
        ("GET with a body", UpstreamRequest.test(body: HTTPBody(string: "x")), Duration.milliseconds(20)),
        ("GET inside the retry loop", UpstreamRequest.test(attempt: 1), Duration.milliseconds(20)),
        ("hedging off", UpstreamRequest.test(), Duration.zero),
    ])
    func unsafeRequestsAndADisabledHedgePassStraightThrough(_ label: String, request: UpstreamRequest, delay: Duration)
        async throws
    {
        let backends = ScriptedBackends(otherwise: .respond(after: .milliseconds(100)))
        let (outcome, finished) = try await hedge(request, through: backends, options: .init(hedgeDelay: delay))
        #expect(outcome.target == "a", "\(label)")
        #expect(finished == .at(.milliseconds(100)), "\(label)")
        #expect(backends.targets == ["a"], "\(label)")
    }

    @Test(arguments: [(true, Duration.milliseconds(5)), (false, Duration.milliseconds(20))])
    func aFailedPrimaryLaunchesTheHedgeAtOnceOnlyWithHedgeOnError(hedgeOnError: Bool, hedgedAt: Duration) async throws {
        let backends = ScriptedBackends(["a": .fail(after: .milliseconds(5))])
        let (outcome, finished) = try await hedge(
            through: backends,
            options: .init(hedgeDelay: .milliseconds(20), hedgeOnError: hedgeOnError)
        )
        #expect(outcome.target == "b")
        #expect(backends.calls.last?.target == "b")
        #expect(backends.calls.last?.at == .at(hedgedAt))
        #expect(finished == .at(hedgedAt + .milliseconds(10)))
    }

    @Test func everyLegFailingSurfacesTheFirstError() async throws {
        let backends = ScriptedBackends(["a": .fail(after: .milliseconds(100)), "b": .fail(after: .milliseconds(10))])
        let (outcome, finished) = try await hedge(through: backends, options: .init(hedgeDelay: .milliseconds(20)))
        #expect(throws: BackendFailure(target: "b")) { try outcome.get() }
        #expect(finished == .at(.milliseconds(100)))
    }

    @Test func moreHedgesLaunchEveryDelayAndEveryLoserIsCancelled() async throws {
        let backends = ScriptedBackends(["c": .respond(after: .milliseconds(10))], otherwise: .hang())
        let (outcome, finished) = try await hedge(
            through: backends,
            options: .init(hedgeDelay: .milliseconds(20), maxHedge: 2)
        )
        #expect(outcome.target == "c")
        #expect(finished == .at(.milliseconds(50)))
        #expect(backends.calls.map(\.at) == [.zero, .at(.milliseconds(20)), .at(.milliseconds(40))])
        #expect(backends.endings == [.answered("c"), .cancelled("a"), .cancelled("b")])
    }

    @Test func aRejectedAnswerLosesAndEveryRejectionReturnsTheFirstAnswer() async throws {
        let options = HedgingBalancer.Options(
            hedgeDelay: .milliseconds(20),
            isWinner: { outcome in
                if case .success(let answer) = outcome { return answer.response.status.code < 500 }
                return false
            })
        let oneHealthy = ScriptedBackends(["a": .respond(.serviceUnavailable, after: .milliseconds(5))])
        let (rescued, _) = try await hedge(through: oneHealthy, options: options)
        #expect(rescued.target == "b")
        #expect(oneHealthy.calls.last?.target == "b")
        #expect(oneHealthy.calls.last?.at == .at(.milliseconds(5)))

        let allUnhealthy = ScriptedBackends(otherwise: .respond(.serviceUnavailable, after: .milliseconds(5)))
        let (first, _) = try await hedge(through: allUnhealthy, options: options)
        #expect(first.target == "a")
        #expect((try? first.get())?.response.status == .serviceUnavailable)
    }

    @Test func aCancelledClientCancelsEveryLegAndGetsCancellationError() async throws {
        let backends = ScriptedBackends(otherwise: .hang())
        let hedging = HedgingBalancer(
            wrapping: Rotation(["a", "b"], backends), options: .init(hedgeDelay: .milliseconds(20)))
        let (outcome, finished) = try await simulate { runtime in
            let client = Recorder<Result<UpstreamResponse, any Error>>()
            await withTaskGroup(of: Void.self) { group in
                group.addTask { client.append(await hedging.outcome(context: .test(runtime))) }
                try? await runtime.clock.sleep(for: .milliseconds(30))
                group.cancelAll()
            }
            return (client.elements.first, runtime.clock.now)
        }
        #expect(throws: CancellationError.self) { try outcome?.get() }
        #expect(finished == .at(.milliseconds(30)))
        #expect(backends.endings == [.cancelled("a"), .cancelled("b")])
    }

    @Test func aCancelledLosingProbeDoesNotHealABrokenCircuit() async throws {
        let backends = ScriptedBackends(["a": .fail(after: .milliseconds(1)), "b": .respond(after: .milliseconds(50))])
        let changes = Recorder<StateChange>()
        let breaker = CircuitBreakerBalancer(
            TargetPool(addresses: ["a", "b"], transport: backends),
            options: .init(failureThreshold: 1, successThreshold: 1, onStateChange: { changes.append($0) })
        )
        let hedging = HedgingBalancer(wrapping: breaker, options: .init(hedgeDelay: .milliseconds(20)))
        let outcome = try await simulate { runtime in
            let context = RequestContext.test(runtime)
            _ = await breaker.outcome(context: context)  // a trips
            try await runtime.clock.sleep(until: .at(.seconds(6)))
            backends.set("a", .hang())  // still broken, now hanging
            return await hedging.outcome(context: context)  // b first, then a probe that loses
        }
        #expect(outcome.target == "b")
        #expect(backends.endings.last == .cancelled("a"))
        #expect(changes.elements.map(\.reason) == [.trip, .probe])
        #expect(breaker.state(of: "a") == .halfOpen)
    }

    @Test func aCancelledLosingLegIsNeverEjectedByAnEjectingBalancer() async throws {
        // a is slow and reports the cancellation of its losing leg as a reset, a transport failure.
        let backends = ScriptedBackends(
            ["a": .hang(throwing: resetByPeer)], otherwise: .respond(after: .milliseconds(10)))
        let changes = Recorder<StateChange>()
        let ejecting = EjectingBalancer(
            TargetPool(addresses: ["a", "b"], transport: backends),
            options: .init(maxFails: 1, onStateChange: { changes.append($0) })
        )
        let hedging = HedgingBalancer(wrapping: ejecting, options: .init(hedgeDelay: .milliseconds(20)))
        let winners = try await simulate { runtime in
            let context = RequestContext.test(runtime)
            var winners: [String?] = []
            for _ in 0..<3 { winners.append(await hedging.outcome(context: context).target) }
            return winners
        }
        #expect(winners == ["b", "b", "b"])
        #expect(backends.targets == ["a", "b", "a", "b", "a", "b"])  // a keeps its turn: never ejected
        #expect(backends.endings.filter { $0 == .cancelled("a") }.count == 3)
        #expect(changes.elements.isEmpty)
        #expect(ejecting.state(of: "a") == .closed)
    }

    @Test(arguments: [
        ("upgraded byte stream", UpstreamRequest.upgrade(headers: [:], inbound: HTTPBody(string: "frames"))),
        (
            "Connection: upgrade",
            UpstreamRequest.upgrade(headers: [.connection: "keep-alive, Upgrade", .upgrade: "websocket"])
        ),
    ])
    func aProtocolUpgradeIsNeverHedgedWhateverTheHedgeablePolicySays(_ label: String, request: UpstreamRequest)
        async throws
    {
        for isHedgeable in [HedgingBalancer.isSafeToHedge, { _ in true }] as [@Sendable (UpstreamRequest) -> Bool] {
            let backends = ScriptedBackends(otherwise: .respond(.switchingProtocols, after: .milliseconds(100)))
            let options = HedgingBalancer.Options(hedgeDelay: .milliseconds(20), isHedgeable: isHedgeable)
            let (outcome, finished) = try await hedge(request, through: backends, options: options)
            #expect(outcome.target == "a", "\(label)")
            #expect(finished == .at(.milliseconds(100)), "\(label)")
            #expect(backends.targets == ["a"], "\(label)")
        }
    }

    @Test func anAbsurdHedgeDelayIsCappedAndTheRequestStillAnswered() async throws {
        let hedging = HedgingBalancer(
            wrapping: ScriptedBackends(), options: .init(hedgeDelay: .seconds(Int64.max) * 16))
        #expect(hedging.options.hedgeDelay == .seconds(Int64.max))
        let backends = ScriptedBackends(otherwise: .respond(after: .milliseconds(10)))
        let (outcome, _) = try await hedge(through: backends, options: .init(hedgeDelay: .seconds(Int64.max) * 16))
        #expect(outcome.target == "a")
    }

    @Test func aNegativeDelayIsRejectedAndAZeroHedgeBudgetClamped() throws {
        let backends = ScriptedBackends()
        #expect(
            throws: ConfigurationError.invalidValue(
                field: "hedgeDelay", reason: "must not be negative, got -0.001 seconds")
        ) {
            try HedgingBalancer(wrapping: backends, options: .init(hedgeDelay: .milliseconds(-1))).checkConfiguration()
        }
        #expect(HedgingBalancer(wrapping: backends, options: .init(maxHedge: 0)).options.maxHedge == 1)
    }
}

extension UpstreamRequest {
    /// A bodyless GET that switches protocols: with `headers`, and the client's upgraded bytes `inbound`.
    fileprivate static func upgrade(headers: HTTPFields, inbound: HTTPBody? = nil) -> UpstreamRequest {
        var request = UpstreamRequest.test(headers: headers)
        request.upgradedInbound = inbound
        return request
    }
}
