import ParapetCore
import Synchronization

/// The round trip every reliability balancer makes, once: pick a target under the lock, send, judge the
/// outcome, record it under the lock, report the state changes in the order they took effect. The policy —
/// ``CircuitBreakerBalancer``, ``EjectingBalancer``, ``LatencyEjectingBalancer`` — is its `Machine`.
final class StatefulBalancer<Machine: BalancerStateMachine>: Sendable {
    /// The state machine and the counter numbering its changes, behind one lock.
    private struct Guarded: Sendable {
        var machine: Machine
        var changes = StateChangeCounter()
    }

    let pool: TargetPool
    private let isFailure: FailureClassifier
    private let onStateChange: (@Sendable (StateChange) -> Void)?
    private let guarded: Mutex<Guarded>

    init(
        pool: TargetPool,
        machine: Machine,
        isFailure: @escaping FailureClassifier,
        onStateChange: (@Sendable (StateChange) -> Void)?
    ) {
        self.pool = pool
        self.isFailure = isFailure
        self.onStateChange = onStateChange
        self.guarded = Mutex(Guarded(machine: machine))
    }

    /// Sends `request` to the target the machine admits and records the outcome.
    ///
    /// - Throws: ``UpstreamError/unavailable(_:)`` when the machine sheds the request; otherwise whatever
    ///   the target's transport threw.
    @inline(__always)  // one async call fewer per request: a frame from the task's allocator, an executor check
    func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        let clock = context.runtime.clock
        let pool = self.pool
        let pickedAt = clock.now
        let (decision, changes) = guarded.withLock { guarded in
            var transitions: [TargetTransition] = []
            let decision = guarded.machine.admit(at: pickedAt, isUp: { pool.isUp($0) }, transitions: &transitions)
            return (decision, transitions.map { guarded.changes.change($0, address: pool.targets[$0.target].address) })
        }
        report(changes)
        let admission: Machine.Admission
        switch decision {
        case .admitted(let admitted): admission = admitted
        case .shed(let reason): throw UpstreamError.unavailable(reason)
        }

        let target = pool.targets[Machine.target(of: admission)]
        var outgoing = request
        outgoing.target = target.address
        let outcome: Result<UpstreamResponse, any Error>
        do {
            outcome = .success(try await target.transport.roundTrip(outgoing, context: context))
        } catch {
            outcome = .failure(error)
        }

        let verdict = RoundTripVerdict(outcome, callerCancelled: Task.isCancelled, isFailure: isFailure)
        let finishedAt = clock.now
        let answered = if case .success = outcome { true } else { false }
        let roundTrip = FinishedRoundTrip(
            verdict: verdict, latency: answered ? finishedAt - pickedAt : nil, finishedAt: finishedAt)
        let change = guarded.withLock { guarded in
            guarded.machine.record(roundTrip, of: admission).map { guarded.changes.change($0, address: target.address) }
        }
        if let change { report([change]) }
        return try outcome.get()
    }

    /// The state of the target at `address` as of its last reported ``StateChange``, with no clock read;
    /// ``TargetState/closed`` for an address outside the pool.
    func state(of address: String) -> TargetState {
        guard let index = pool.index(of: address) else { return .closed }
        return guarded.withLock { $0.machine.state(of: index) }
    }

    private func report(_ changes: [StateChange]) {
        guard let onStateChange else { return }
        for change in changes {
            onStateChange(change)
        }
    }
}
