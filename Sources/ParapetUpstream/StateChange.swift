/// The admission state of one target, as circuit breakers, ejecting balancers and health checks see it.
///
/// The raw value is the number a gauge reports.
public enum TargetState: Int, Sendable, Hashable, CaseIterable {
    /// Receiving traffic.
    case closed = 0
    /// Ejected, tripped or gated down: receiving no traffic (but see each balancer's all-down policy).
    case open = 1
    /// Admitting a limited number of probe requests.
    case halfOpen = 2
}

/// Why a target changed state.
public enum StateChangeReason: String, Sendable, Hashable, CaseIterable {
    /// A circuit opened after its failure threshold.
    case trip
    /// A half-open circuit failed a probe and opened again.
    case reopen
    /// A half-open circuit closed after its success threshold.
    case heal
    /// An open circuit's cooldown ended; it admits probes.
    case probe
    /// A probe held its slot too long and was reclaimed.
    case expire
    /// A target was ejected (consecutive failures, or latency outlier).
    case eject
    /// An ejected target answered successfully again.
    case recover
    /// The active health check marked the target down.
    case probeDown = "probe_down"
    /// The active health check marked the target up.
    case probeRecover = "probe_recover"
}

/// What made an active health-check probe fail; the raw value is the label a metric reports.
///
/// A transport names the cause of its own errors by conforming them to ``ProbeCauseConvertible``.
public enum ProbeCause: String, Sendable, Hashable, CaseIterable {
    /// No probe failed: the change was not a health-check `probe_down`.
    case none
    /// No answer (head and drained body) within ``ActiveHealthCheck/Options/timeout``.
    case timeout
    /// The connection was refused.
    case refused
    /// The connection was reset, or closed before an answer.
    case reset
    /// The target's name did not resolve.
    case dns
    /// The TLS handshake failed.
    case tls
    /// An answer arrived, but ``ActiveHealthCheck/Options/isHealthy`` rejected it (by default, a status of
    /// 400 or more).
    case status
    /// Any other error.
    case error
}

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
/// let breaker = try CircuitBreakerBalancer(pool, options: .init(onStateChange: { change in
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

/// Numbers the ``StateChange``s one balancer or health check reports. It lives behind the same lock as
/// the state machine whose transitions it numbers, so the numbers follow the order the transitions took
/// effect, whatever order the tasks then report them in.
struct StateChangeCounter: Sendable {
    private var last: UInt64 = 0

    /// The change `transition` of the target at `address` reports, with the next sequence number.
    mutating func change(
        _ transition: TargetTransition,
        address: String,
        cause: ProbeCause = .none
    ) -> StateChange {
        last += 1
        return StateChange(
            target: address,
            from: transition.from,
            to: transition.to,
            reason: transition.reason,
            cause: cause,
            sequence: last
        )
    }
}
