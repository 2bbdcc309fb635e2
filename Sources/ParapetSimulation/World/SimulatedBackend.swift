import HTTPTypes
import ParapetCache
public import ParapetCore
public import ParapetUpstream
import Synchronization

/// One simulated backend, implementing the `Transport` seam: it plays its scenario behaviour in virtual time —
/// latency drawn from its own named random stream (`backend/<address>`), capacity, outages from the timeline —
/// and measures every request it receives.
///
/// A request costs one virtual-clock sleep (none when the answer is immediate); cancellation (a hedged loser,
/// a deadline) ends the wait at once. With a transport timeout, an attempt that would take longer fails with
/// `UpstreamError.timedOut` when the timeout passes.
///
/// ```swift
/// let simulation = Simulation(seed: 1)
/// let status = try simulation.run { runtime in
///     let backend = SimulatedBackend(target: .init("a", latency: .fixed(.milliseconds(20))), runtime: runtime)
///     let context = RequestContext(connection: ConnectionInfo(peer: nil), logger: Logger(label: "sim"), runtime: runtime)
///     let request = UpstreamRequest(head: HTTPRequest(method: .get, scheme: "http", authority: "a", path: "/"))
///     return try await backend.roundTrip(request, context: context).response.status.code  // 200, at +20ms
/// }
/// ```
public final class SimulatedBackend: Transport {
    private struct State: Sendable {
        var machine: StateMachine
        var random: RandomGenerator
        var tally: TargetTally
    }

    /// The address the backend answers for (the target's name).
    public let address: String

    private let clock: any MonotonicClock
    /// The executor of the simulator's own clock, when the runtime's clock is one: waits go straight to it.
    private let virtualTime: SimulationExecutor?
    private let timeout: Int64?
    private let state: Mutex<State>
    private let responses: [Response]

    /// Creates a backend for `target`, following the entries of `timeline` that name it.
    ///
    /// - Parameters:
    ///   - runtime: the simulation's runtime: its clock and the random stream `backend/<name>`.
    ///   - transportTimeout: the upstream client's per-attempt response-header timeout, if any.
    ///
    /// ```swift
    /// let backend = SimulatedBackend(target: .init("b"), timeline: [.init(at: .seconds(5), target: "b", become: .blackHole)],
    ///                                runtime: runtime, transportTimeout: .seconds(1))
    /// ```
    public convenience init(
        target: Scenario.Target,
        timeline: [Scenario.TimelineEvent] = [],
        runtime: Runtime,
        transportTimeout: Duration? = nil
    ) {
        self.init(target: target, timeline: timeline, runtime: runtime, transportTimeout: transportTimeout, layout: .untimed)
    }

    init(
        target: Scenario.Target,
        timeline: [Scenario.TimelineEvent],
        runtime: Runtime,
        transportTimeout: Duration?,
        layout: ReportLayout
    ) {
        address = target.name
        clock = runtime.clock
        virtualTime = (runtime.clock as? VirtualClock)?.executor
        timeout = transportTimeout.map { max($0.wholeNanoseconds, 0) }
        state = Mutex(State(
            machine: StateMachine(target: target, timeline: timeline),
            random: runtime.random.generator(for: "backend/\(target.name)"),
            tally: TargetTally(layout: layout)))
        responses = (100..<600).map { code in
            var response = Response(status: HTTPResponse.Status(code: code))
            if let cacheControl = target.cacheControl, (200..<300).contains(code) {
                response.headerFields[.cacheControl] = cacheControl
            }
            if !target.cacheTags.isEmpty, (200..<300).contains(code) {
                response.headerFields[.cacheTag] = target.cacheTags.joined(separator: ", ")
            }
            return response
        }
    }

    /// Plays the behaviour for one request.
    ///
    /// - Throws: `UpstreamError.failed` (refused or reset), `UpstreamError.timedOut` (transport timeout), or
    ///   `CancellationError` when the caller gave up first.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        let start = clock.now.nanoseconds
        let decision = state.withLock { state in
            state.tally.begin(at: start)
            return state.machine.decide(at: start, using: &state.random)
        }
        let (wake, planned) = plan(decision, from: start)
        var (outcome, finish) = (planned, max(wake, start))  // a sleep that is not cut short ends exactly at `wake`
        if wake > start {
            do {
                try await sleep(until: wake)
            } catch {
                (outcome, finish) = (.cancelled, clock.now.nanoseconds)
            }
        }
        state.withLock { $0.tally.end(outcome, startedAt: start, at: finish) }
        return try answer(outcome)
    }

    /// A health-check probe: the same behaviour, counted as a probe rather than traffic.
    func probe(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        let start = clock.now.nanoseconds
        let decision = state.withLock { state in
            state.machine.decide(at: start, using: &state.random)
        }
        let (wake, planned) = plan(decision, from: start)
        var outcome = planned
        if wake > start {
            do {
                try await sleep(until: wake)
            } catch {
                outcome = .cancelled
            }
        }
        state.withLock { $0.tally.probed(outcome) }
        return try answer(outcome)
    }

    /// Waits until virtual time `wake` (nanoseconds); on the simulator's clock without the `Clock` protocol's
    /// layers of async calls, which a request would otherwise pay for.
    @inline(__always)
    private func sleep(until wake: Int64) async throws {
        if let virtualTime {
            try await virtualTime.sleep(until: MonotonicInstant(nanoseconds: wake))
        } else {
            try await clock.sleep(until: MonotonicInstant(nanoseconds: wake))
        }
    }

    /// A black hole without a timeout waits (virtually) ten years, that is until cancelled.
    private static let forever: Int64 = 315_360_000_000_000_000

    /// When the attempt ends and how, unless cancelled first: the decision, cut short by the transport timeout.
    private func plan(_ decision: BackendDecision, from start: Int64) -> (wake: Int64, outcome: AttemptOutcome) {
        let (at, outcome): (Int64, AttemptOutcome)
        switch decision {
        case .answer(let status, let time): (at, outcome) = (time, .answered(status: status))
        case .refuse(let time): (at, outcome) = (time, .refused)
        case .reset(let time): (at, outcome) = (time, .reset)
        case .hang: (at, outcome) = (start &+ Self.forever, .timedOut)
        }
        if let timeout, at - start > timeout {
            return (start &+ timeout, .timedOut)
        }
        return (at, outcome)
    }

    private func answer(_ outcome: AttemptOutcome) throws -> UpstreamResponse {
        switch outcome {
        case .answered(let status):
            return UpstreamResponse(response: responses[min(max(status, 100), 599) - 100], target: address)
        case .refused:
            throw UpstreamError.failed(target: address, underlying: SimulatedNetworkFailure.connectionRefused)
        case .reset:
            throw UpstreamError.failed(target: address, underlying: SimulatedNetworkFailure.connectionReset)
        case .timedOut:
            throw UpstreamError.timedOut(target: address)
        case .cancelled:
            throw CancellationError()
        }
    }

    /// Requests received so far (probes excluded).
    public var requestCount: Int { state.withLock { $0.tally.attempts } }

    /// Requests in flight right now.
    public var inFlight: Int { state.withLock { $0.tally.inFlight } }

    /// The most requests ever in flight at once.
    public var peakInFlight: Int { state.withLock { $0.tally.peakInFlight } }

    /// Health-check probes received so far.
    public var probeCount: Int { state.withLock { $0.tally.probes } }

    /// Follows a state transition a balancer or the health check (`source`) reported for this target.
    func noteTransition(source: Int, to target: TargetState, at time: Int64, cooldown: EjectionCooldown?) {
        state.withLock { $0.tally.transition(source: source, to: target, at: time, cooldown: cooldown) }
    }

    /// The measurements so far.
    var tally: TargetTally { state.withLock { $0.tally } }
}

extension MonotonicInstant {
    /// Nanoseconds since the origin.
    @inline(__always)
    var nanoseconds: Int64 { offset.wholeNanoseconds }

    init(nanoseconds: Int64) {
        self.init(offset: .nanoseconds(nanoseconds))
    }
}
