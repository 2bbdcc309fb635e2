public import ParapetCore
import Synchronization

/// A round-robin balancer with a circuit breaker per target: it fails fast and sheds.
///
/// An open target is skipped without a round trip, so no request pays a dead backend's connect and
/// timeout; when every target is open, probe-saturated or gated down by a health check the balancer
/// throws ``UpstreamError/unavailable(_:)`` with ``ShedReason/allOpen`` (the proxy answers `503`)
/// instead of failing open — it does not hammer a dead origin. An empty pool sheds with
/// ``ShedReason/empty``. Failure is judged at the response head by ``Options/isFailure``; a body that
/// fails mid-stream is not seen. ``Target/weight`` is ignored. The decisions are those of
/// ``CircuitBreakerBalancer/StateMachine``.
///
/// A cancelled round trip (the client left, or ``HedgingBalancer`` cancelled a losing leg) counts
/// neither as a failure nor — unlike the Go original — as a probe success: it frees its probe slot and
/// changes nothing else. Counting it as a success would let hedging heal a still-broken target, since
/// the slow leg to a broken target is exactly the one that loses and is cancelled.
///
/// ```swift
/// let pool = TargetPool([Target("10.0.0.1:8080", transport: http), Target("10.0.0.2:8080", transport: http)])
/// let breaker = try CircuitBreakerBalancer(pool, options: .init(failureThreshold: 5, onStateChange: { change in
///     logger.warning("\(change.target): \(change.from) → \(change.to) (\(change.reason)) #\(change.sequence)")
/// }))
/// let answer = try await breaker.roundTrip(request, context: context)
/// ```
public final class CircuitBreakerBalancer: Transport {
    /// The state machine and the counter numbering its changes, behind one lock.
    private struct Guarded: Sendable {
        var machine: StateMachine
        var changes = StateChangeCounter()
    }

    /// The targets and their health gates.
    public let pool: TargetPool
    /// The effective options, after clamping.
    public let options: Options
    private let guarded: Mutex<Guarded>

    /// Creates a balancer over `pool` with every circuit closed.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for options that make no
    ///   sense (see ``Options``).
    public init(_ pool: TargetPool, options: Options = Options()) throws {
        self.pool = pool
        self.options = try options.validated()
        self.guarded = Mutex(
            Guarded(machine: try StateMachine(targetCount: pool.count, options: options)))
    }

    /// Sends `request` to the next target whose circuit admits it, and counts the outcome.
    ///
    /// - Throws: ``UpstreamError/unavailable(_:)`` when no target may be tried; otherwise whatever the
    ///   target's transport threw.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        let clock = context.runtime.clock
        let pool = self.pool
        let now = clock.now
        let (pick, changes) = guarded.withLock { guarded in
            var transitions: [TargetTransition] = []
            let pick = guarded.machine.pick(at: now, isUp: { pool.isUp($0) }, transitions: &transitions)
            return (pick, transitions.map { guarded.changes.change($0, address: pool.targets[$0.target].address) })
        }
        report(changes)
        let admission: StateMachine.Admission
        switch pick {
        case .target(let admitted): admission = admitted
        case .shed(let reason): throw UpstreamError.unavailable(reason)
        }

        let target = pool.targets[admission.target]
        var outgoing = request
        outgoing.target = target.address
        let outcome: Result<UpstreamResponse, any Error>
        do {
            outcome = .success(try await target.transport.roundTrip(outgoing, context: context))
        } catch {
            outcome = .failure(error)
        }

        let verdict = RoundTripVerdict(outcome, callerCancelled: Task.isCancelled, isFailure: options.isFailure)
        let finished = clock.now
        let change = guarded.withLock { guarded in
            guarded.machine.record(verdict, for: admission, at: finished).map {
                guarded.changes.change($0, address: target.address)
            }
        }
        if let change { report([change]) }
        return try outcome.get()
    }

    /// The state of the circuit of the target at `address`, for gauges and tests: the state of its last
    /// reported ``StateChange``, with no clock read. An open circuit whose cooldown has ended still reads
    /// ``TargetState/open`` until the next pick moves it half-open. An address outside the pool reads
    /// ``TargetState/closed``.
    public func state(of address: String) -> TargetState {
        guard let index = pool.index(of: address) else { return .closed }
        return guarded.withLock { $0.machine.state(of: index) }
    }

    private func report(_ changes: [StateChange]) {
        guard let onStateChange = options.onStateChange else { return }
        for change in changes {
            onStateChange(change)
        }
    }
}
