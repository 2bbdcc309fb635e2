/// One state transition of one target, reported exactly once, after it took effect.
///
/// A balancer reports a change on the task that caused it, after releasing its lock, so changes caused
/// by two concurrent tasks can reach `onStateChange` in either order. Each change therefore carries a
/// ``sequence`` number, assigned under the lock together with the transition: within one balancer (or
/// health check) the numbers start at 1 and increase by one per change, in the order the transitions
/// took effect. A consumer that needs the order — a state gauge, an audit log — orders by it and keeps,
/// per target, the change with the highest number.
///
/// ```swift
/// let latest = Mutex<[String: StateChange]>([:])
/// let breaker = CircuitBreakerBalancer(pool, options: .init(onStateChange: { change in
///     latest.withLock { latest in
///         if change.sequence > latest[change.target]?.sequence ?? 0 { latest[change.target] = change }
///     }
/// }))
/// ```
public struct StateChange: Sendable, Hashable {
    /// The target's address.
    public var target: String
    /// The state before the transition.
    public var from: TargetState
    /// The state after the transition.
    public var to: TargetState
    /// Why the state changed.
    public var reason: StateChangeReason
    /// For a health check's ``StateChangeReason/probeDown``, what made the last probe fail;
    /// ``ProbeCause/none`` otherwise.
    public var cause: ProbeCause
    /// The position of this change among every change its balancer (or health check) reported: 1 for
    /// the first, increasing by one per change, in the order they took effect. 0 for a change no
    /// balancer numbered.
    public var sequence: UInt64

    /// Creates a state change record.
    ///
    /// - Parameters:
    ///   - target: the target's address.
    ///   - from: the state before the transition.
    ///   - to: the state after it.
    ///   - reason: why the state changed.
    ///   - cause: what made a failed health-check probe fail; ``ProbeCause/none`` for other reasons.
    ///   - sequence: the change's number among its reporter's changes; 0 when unnumbered.
    public init(
        target: String,
        from: TargetState,
        to: TargetState,
        reason: StateChangeReason,
        cause: ProbeCause = .none,
        sequence: UInt64 = 0
    ) {
        self.target = target
        self.from = from
        self.to = to
        self.reason = reason
        self.cause = cause
        self.sequence = sequence
    }
}
