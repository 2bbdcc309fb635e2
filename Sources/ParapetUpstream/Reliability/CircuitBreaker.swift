import ParapetCore

/// One target's circuit: the pure three-state machine a ``CircuitBreakerBalancer/StateMachine`` keeps per target.
///
/// Every transition bumps ``generation``; an admission carries the generation it was made under, so the
/// outcome of a request admitted before a transition (a stale probe reclaimed by `expire`, the late
/// failures of a burst that already tripped the circuit) is ignored instead of counted twice.
struct CircuitBreaker: Sendable {
    /// A probe holding a half-open slot.
    struct Probe: Sendable {
        let id: UInt64
        let admittedAt: MonotonicInstant
    }

    /// What ``admit(at:policy:)`` decided.
    struct Admission: Sendable, Hashable {
        let generation: UInt64
        /// The probe's identity when admitted half-open; `nil` when admitted closed.
        let probe: UInt64?
    }

    /// The thresholds and timeouts, from validated options.
    struct Policy: Sendable {
        let failureThreshold: Int
        let successThreshold: Int
        let cooldown: ExponentialCooldown
        let probeTimeout: Duration
        let halfOpenMaxProbes: Int

        init(_ options: CircuitBreakerBalancer.Options) {
            failureThreshold = options.failureThreshold
            successThreshold = options.successThreshold
            cooldown = ExponentialCooldown(base: options.openTimeout, cap: options.maxOpenTimeout)
            probeTimeout = options.probeTimeout
            halfOpenMaxProbes = options.halfOpenMaxProbes
        }
    }

    /// The target's index, for the transitions it reports.
    let index: Int
    private(set) var state: TargetState = .closed
    private(set) var generation: UInt64 = 0
    /// Consecutive failures while closed.
    private var failures = 0
    /// Consecutive probe successes while half-open.
    private var successes = 0
    /// Consecutive trips (trip, reopen, expire) since the circuit last closed: the backoff exponent.
    private(set) var trips = 0
    /// When an open circuit's cooldown ends.
    private(set) var openUntil = MonotonicInstant.zero
    /// Probes in flight while half-open, oldest first.
    private var probes: [Probe] = []
    private var nextProbeID: UInt64 = 0

    init(index: Int) {
        self.index = index
    }

    /// Decides whether the circuit admits a request at `now`; may first move an open circuit whose
    /// cooldown ended to half-open (`probe`), or re-open a half-open one whose oldest probe overstayed
    /// its timeout (`expire`).
    mutating func admit(at now: MonotonicInstant, policy: Policy) -> (Admission?, TargetTransition?) {
        switch state {
        case .closed:
            return (Admission(generation: generation, probe: nil), nil)
        case .open:
            guard now >= openUntil else { return (nil, nil) }
            let transition = enterHalfOpen()
            return (admitProbe(at: now), transition)
        case .halfOpen:
            if let oldest = probes.first, now - oldest.admittedAt > policy.probeTimeout {
                return (nil, open(at: now, reason: .expire, policy: policy))
            }
            guard probes.count < policy.halfOpenMaxProbes else { return (nil, nil) }
            return (admitProbe(at: now), nil)
        }
    }

    /// Counts the outcome of a request admitted as `admission`; returns the transition it caused, if any.
    mutating func record(
        _ verdict: RoundTripVerdict,
        for admission: Admission,
        at now: MonotonicInstant,
        policy: Policy
    ) -> TargetTransition? {
        guard admission.generation == generation else { return nil }
        if let probe = admission.probe {
            guard state == .halfOpen, let slot = probes.firstIndex(where: { $0.id == probe }) else { return nil }
            probes.remove(at: slot)
            switch verdict {
            case .neutral:
                return nil
            case .failure:
                return open(at: now, reason: .reopen, policy: policy)
            case .success:
                successes += 1
                return successes >= policy.successThreshold ? close() : nil
            }
        }
        guard state == .closed else { return nil }
        switch verdict {
        case .neutral:
            return nil
        case .success:
            failures = 0
            return nil
        case .failure:
            failures += 1
            return failures >= policy.failureThreshold ? open(at: now, reason: .trip, policy: policy) : nil
        }
    }

    private mutating func admitProbe(at now: MonotonicInstant) -> Admission {
        nextProbeID &+= 1
        probes.append(Probe(id: nextProbeID, admittedAt: now))
        return Admission(generation: generation, probe: nextProbeID)
    }

    private mutating func enterHalfOpen() -> TargetTransition {
        let from = state
        state = .halfOpen
        successes = 0
        generation &+= 1
        return TargetTransition(target: index, from: from, to: .halfOpen, reason: .probe)
    }

    private mutating func open(at now: MonotonicInstant, reason: StateChangeReason, policy: Policy) -> TargetTransition
    {
        let from = state
        trips += 1
        openUntil = now.advanced(by: policy.cooldown.duration(forEpisode: trips))
        state = .open
        failures = 0
        successes = 0
        probes.removeAll(keepingCapacity: true)
        generation &+= 1
        return TargetTransition(target: index, from: from, to: .open, reason: reason)
    }

    private mutating func close() -> TargetTransition {
        let from = state
        trips = 0
        state = .closed
        failures = 0
        successes = 0
        probes.removeAll(keepingCapacity: true)
        generation &+= 1
        return TargetTransition(target: index, from: from, to: .closed, reason: .heal)
    }
}
