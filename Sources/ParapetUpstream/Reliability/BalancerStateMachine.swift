import ParapetCore

/// The pure decisions of a reliability balancer — whom to send a request to, and what its outcome means
/// for that target — which ``StatefulBalancer`` carries out under one lock.
protocol BalancerStateMachine: Sendable {
    /// What a pick hands to the round trip and back to ``record(_:of:)``.
    associatedtype Admission: Sendable

    /// Picks a target at `now` among those `isUp` lets through, or sheds the request. Transitions the pick
    /// itself causes (a cooldown that ended) are appended to `transitions`.
    mutating func admit(
        at now: MonotonicInstant,
        isUp: (Int) -> Bool,
        transitions: inout [TargetTransition]
    ) -> BalancerAdmission<Admission>

    /// The pool index of the target `admission` admitted.
    static func target(of admission: Admission) -> Int

    /// Counts the round trip `admission` led to; returns the transition it caused, if any.
    mutating func record(_ roundTrip: FinishedRoundTrip, of admission: Admission) -> TargetTransition?

    /// The state of target `index` as of its last transition.
    func state(of index: Int) -> TargetState
}

/// What a ``BalancerStateMachine`` decided for one request.
enum BalancerAdmission<Admission> {
    /// Send the request to the admitted target, then record its outcome.
    case admitted(Admission)
    /// Contact no target: the proxy answers `503` with this reason.
    case shed(ShedReason)
}

/// A round trip as a balancer's state machine counts it.
struct FinishedRoundTrip {
    /// The outcome, judged by the balancer's failure classifier (``RoundTripVerdict/neutral`` when the
    /// caller cancelled).
    var verdict: RoundTripVerdict
    /// From the pick to the response head; `nil` when the transport threw instead of answering.
    var latency: Duration?
    /// When it finished.
    var finishedAt: MonotonicInstant
}
