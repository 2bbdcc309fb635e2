public import ParapetCore

extension CircuitBreakerBalancer {
    /// The decisions of a ``CircuitBreakerBalancer`` as a pure value: a ``RoundRobinRotation`` over one
    /// circuit per target, driven by `now` and round-trip verdicts. No I/O, no clock, no locks.
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
    /// var machine = try CircuitBreakerBalancer.StateMachine(targetCount: 3, options: .init())
    /// var transitions: [TargetTransition] = []
    /// if case .target(let admission) = machine.pick(at: now, isUp: { _ in true }, transitions: &transitions) {
    ///     let change = machine.record(.failure, for: admission, at: now)
    /// }
    /// ```
    public struct StateMachine: Sendable {
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
        private var rotation: RoundRobinRotation
        private let policy: CircuitBreaker.Policy

        /// Creates closed circuits for `targetCount` targets.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for options that make no sense.
        public init(targetCount: Int, options: CircuitBreakerBalancer.Options) throws(ConfigurationError) {
            policy = CircuitBreaker.Policy(try options.validated())
            circuits = (0..<max(targetCount, 0)).map { CircuitBreaker(index: $0) }
            rotation = RoundRobinRotation(count: targetCount)
        }

        /// The number of targets.
        public var targetCount: Int { circuits.count }

        /// Picks the next admissible target round-robin, resuming after the last one picked.
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
            guard !circuits.isEmpty else { return .shed(.empty) }
            let policy = self.policy
            var admitted: CircuitBreaker.Admission?
            // The rotation is a local copy while the closure mutates the circuits.
            var rotation = self.rotation
            defer { self.rotation = rotation }
            let index = rotation.next { index in
                guard isUp(index) else { return false }
                let (admission, transition) = circuits[index].admit(at: now, policy: policy)
                if let transition { transitions.append(transition) }
                admitted = admission
                return admission != nil
            }
            guard let index, let admitted else { return .shed(.allOpen) }
            return .target(Admission(target: index, circuit: admitted))
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

        /// The state of target `index`'s circuit (`closed` for an index outside the pool): the state of its
        /// last transition.
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
}

extension CircuitBreakerBalancer.StateMachine: BalancerStateMachine {
    mutating func admit(
        at now: MonotonicInstant,
        isUp: (Int) -> Bool,
        transitions: inout [TargetTransition]
    ) -> BalancerAdmission<Admission> {
        switch pick(at: now, isUp: isUp, transitions: &transitions) {
        case .target(let admission): .admitted(admission)
        case .shed(let reason): .shed(reason)
        }
    }

    static func target(of admission: Admission) -> Int { admission.target }

    mutating func record(_ roundTrip: FinishedRoundTrip, of admission: Admission) -> TargetTransition? {
        record(roundTrip.verdict, for: admission, at: roundTrip.finishedAt)
    }
}
