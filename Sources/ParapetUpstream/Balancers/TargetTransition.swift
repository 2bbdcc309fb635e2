/// One state transition of one target, as a balancer's state machine reports it: the target is named
/// by its index in the pool. The balancer numbers it and reports it as a ``StateChange`` naming the
/// address.
///
/// ```swift
/// var transitions: [TargetTransition] = []
/// let pick = machine.pick(at: now, isUp: pool.isUp, transitions: &transitions)
/// for transition in transitions { print(pool.targets[transition.target].address, transition.reason) }
/// ```
public struct TargetTransition: Sendable, Hashable {
    /// The target's index in its pool.
    public var target: Int
    /// The state before the transition.
    public var from: TargetState
    /// The state after the transition.
    public var to: TargetState
    /// Why the state changed.
    public var reason: StateChangeReason

    /// Creates a transition record.
    public init(target: Int, from: TargetState, to: TargetState, reason: StateChangeReason) {
        self.target = target
        self.from = from
        self.to = to
        self.reason = reason
    }
}
