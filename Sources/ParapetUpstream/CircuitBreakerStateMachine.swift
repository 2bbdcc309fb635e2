public import ParapetCore

/// The decisions of a ``CircuitBreakerBalancer`` as a pure value: a round-robin cursor over one circuit
/// per target, driven by `now` and round-trip verdicts. No I/O, no clock, no locks.
///
/// Per target: CLOSED counts consecutive failures (a success resets the count) and trips OPEN at the
/// failure threshold. OPEN admits nothing until its cooldown — `openTimeout · 2^(g-1)`, capped, `g`
/// the consecutive trips — ends; the first pick after that moves it HALF-OPEN (`probe`) and competes
/// for a probe slot like any other. HALF-OPEN admits at most `halfOpenMaxProbes` probes at once; the
/// success threshold of consecutive probe successes closes it (`heal`, and `g` resets), one probe
/// failure re-opens it with a longer cooldown (`reopen`), and a probe holding its slot longer than the
/// probe timeout is reclaimed and the circuit re-opens (`expire`). A ``RoundTripVerdict/neutral``
/// (cancelled) outcome frees a probe slot but counts neither way.
///
/// ```swift
/// var machine = try CircuitBreakerStateMachine(targetCount: 3, options: .init())
/// var transitions: [TargetTransition] = []
/// if case .target(let admission) = machine.pick(at: now, isUp: { _ in true }, transitions: &transitions) {
///     let change = machine.record(.failure, for: admission, at: now)
/// }
/// ```
public struct CircuitBreakerStateMachine: Sendable {
    /// A request admitted to a target, to hand back to ``record(_:for:at:)`` with its outcome.
    public struct Admission: Sendable, Hashable {
        /// The admitted target's index in the pool.
        public let target: Int
        let circuit: CircuitBreaker.Admission

        /// Whether the request is a half-open probe.
        public var isProbe: Bool { circuit.probe != nil }
    }

    /// What ``pick(at:isUp:transitions:)`` decided.
    public enum Pick: Sendable, Hashable {
        /// Send the request to this target, then record its outcome.
        case target(Admission)
        /// Contact no target: answer `503` with this reason.
        case shed(ShedReason)
    }

    private var circuits: [CircuitBreaker]
    private var cursor = 0
    private let policy: CircuitBreaker.Policy

    /// Creates closed circuits for `targetCount` targets.
    ///
    /// - Throws: ``ConfigurationError/invalidValue(field:reason:)`` for options that make no sense.
    public init(targetCount: Int, options: CircuitBreakerBalancer.Options) throws {
        policy = CircuitBreaker.Policy(try options.validated())
        circuits = (0..<max(targetCount, 0)).map { CircuitBreaker(index: $0) }
    }

    /// The number of targets.
    public var targetCount: Int { circuits.count }

    /// Picks the next admissible target round-robin, starting after the last one picked.
    ///
    /// A target is admissible when `isUp(index)` (its health gate) and its circuit admits the request
    /// now. Transitions that picking caused (`probe`, `expire`) are appended to `transitions`.
    /// - Returns: the admission, or ``ShedReason/empty`` for an empty pool, or ``ShedReason/allOpen``
    ///   when every target is open, probe-saturated or gated down — never a fail-open pick.
    public mutating func pick(
        at now: MonotonicInstant,
        isUp: (Int) -> Bool,
        transitions: inout [TargetTransition]
    ) -> Pick {
        let count = circuits.count
        guard count > 0 else { return .shed(.empty) }
        for step in 0..<count {
            let index = (cursor + step) % count
            guard isUp(index) else { continue }
            let (admission, transition) = circuits[index].admit(at: now, policy: policy)
            if let transition { transitions.append(transition) }
            if let admission {
                cursor = (index + 1) % count
                return .target(Admission(target: index, circuit: admission))
            }
        }
        return .shed(.allOpen)
    }

    /// Counts the outcome of an admitted request.
    ///
    /// An outcome from before the circuit's latest transition is ignored, so concurrent failures past
    /// the threshold trip the circuit once, and a reclaimed probe's late answer changes nothing.
    /// - Returns: the transition it caused (`trip`, `reopen` or `heal`), if any.
    public mutating func record(
        _ verdict: RoundTripVerdict,
        for admission: Admission,
        at now: MonotonicInstant
    ) -> TargetTransition? {
        guard circuits.indices.contains(admission.target) else { return nil }
        return circuits[admission.target].record(verdict, for: admission.circuit, at: now, policy: policy)
    }

    /// The state of target `index`'s circuit (`closed` for an index outside the pool).
    ///
    /// An open circuit whose cooldown has ended still reads `open` until a pick moves it half-open.
    public func state(of index: Int) -> TargetState {
        circuits.indices.contains(index) ? circuits[index].state : .closed
    }

    /// When target `index`'s current or last cooldown ends.
    public func cooldownEnd(of index: Int) -> MonotonicInstant? {
        guard circuits.indices.contains(index), circuits[index].trips > 0 else { return nil }
        return circuits[index].openUntil
    }
}
