public import ParapetCore

extension EjectingBalancer {
    /// The decisions of an ``EjectingBalancer`` as a pure value: round-robin that takes a target out of
    /// rotation after consecutive failures, for a cooldown that doubles with every repeat ejection.
    ///
    /// After `maxFails` consecutive failures a target is ejected for `ejectTimeout · 2^(n-1)`, capped at
    /// `maxEjectTimeout`, where `n` counts its ejections since its last success. Failures recorded while the
    /// target is already ejected (a concurrent burst) never extend or re-count the ejection. Any success
    /// clears the failure count and the backoff, and the first one after an ejection reports `recover`. A
    /// ``RoundTripVerdict/neutral`` (cancelled) outcome changes nothing. There is no probing: once its
    /// cooldown has passed a target is simply picked again. The rotation is a ``RoundRobinRotation``: when
    /// every target is ejected or not admissible, the pick fails open to the rotation's slot.
    ///
    /// ```swift
    /// var tracker = EjectingBalancer.StateMachine(count: 2, maxFails: 1, ejectTimeout: .seconds(30), maxEjectTimeout: .seconds(300))
    /// tracker.pick(at: now) { _ in true }                  // 0
    /// tracker.record(0, verdict: .failure, at: now)        // 0: closed → open (eject), for 30 s
    /// tracker.pick(at: now) { _ in true }                  // 1
    /// tracker.pick(at: now) { _ in true }                  // 1: 0 is ejected
    /// ```
    public struct StateMachine: Sendable, Hashable {
        private struct Peer: Sendable, Hashable {
            var consecutiveFailures = 0
            var backoff = EjectionBackoff()
        }

        /// Consecutive failures that eject a target, at least 1.
        public let maxFails: Int
        private let cooldown: ExponentialCooldown
        private var rotation: RoundRobinRotation
        private var peers: [Peer]

        /// Creates a tracker over `count` targets, none ejected. Values out of range are clamped: `maxFails`
        /// to at least 1, `ejectTimeout` to at least a nanosecond, `maxEjectTimeout` to at least `ejectTimeout`,
        /// and both durations to at most `Int64.max` seconds.
        public init(count: Int, maxFails: Int, ejectTimeout: Duration, maxEjectTimeout: Duration) {
            self.maxFails = max(maxFails, 1)
            self.cooldown = ExponentialCooldown(base: ejectTimeout, cap: maxEjectTimeout)
            self.rotation = RoundRobinRotation(count: count)
            self.peers = Array(repeating: Peer(), count: max(count, 0))
        }

        /// The first ejection's cooldown, at least one nanosecond and at most `Int64.max` seconds.
        public var ejectTimeout: Duration { cooldown.base }

        /// The longest cooldown, at least ``ejectTimeout`` and at most `Int64.max` seconds.
        public var maxEjectTimeout: Duration { cooldown.cap }

        /// The number of targets.
        public var count: Int { peers.count }

        /// Whether target `index` is inside an ejection's cooldown at `now`.
        public func isEjected(_ index: Int, at now: MonotonicInstant) -> Bool {
            peers.indices.contains(index) && peers[index].backoff.isEjected(at: now)
        }

        /// The state of target `index` as of its last transition: ``TargetState/open`` from an ejection
        /// until the success that recovers it — even once the cooldown has passed —, ``TargetState/closed``
        /// otherwise (and for an index outside the pool).
        public func state(of index: Int) -> TargetState {
            peers.indices.contains(index) ? peers[index].backoff.state : .closed
        }

        /// When target `index`'s current or last ejection ends; `nil` when it is not ejected or has
        /// recovered since.
        public func cooldownEnd(of index: Int) -> MonotonicInstant? {
            peers.indices.contains(index) ? peers[index].backoff.ejectedUntil : nil
        }

        /// Picks the next target in rotation that is not ejected at `now` and for which `isAdmissible` holds,
        /// or the rotation's slot when there is none; `nil` when there are no targets.
        public mutating func pick(at now: MonotonicInstant, isAdmissible: (Int) -> Bool) -> Int? {
            let peers = self.peers
            return rotation.pick { index in
                !peers[index].backoff.isEjected(at: now) && isAdmissible(index)
            }
        }

        /// Records the verdict on a round trip to target `index` at `now`, returning the transition it
        /// caused: `eject` (from ``TargetState/closed``, or from ``TargetState/open`` when an earlier
        /// ejection expired without a success since) or `recover`.
        @discardableResult
        public mutating func record(_ index: Int, verdict: RoundTripVerdict, at now: MonotonicInstant) -> TargetTransition?
        {
            guard peers.indices.contains(index) else { return nil }
            switch verdict {
            case .neutral:
                return nil
            case .success:
                peers[index].consecutiveFailures = 0
                return peers[index].backoff.recover(target: index)
            case .failure:
                peers[index].consecutiveFailures += 1
                guard peers[index].consecutiveFailures >= maxFails else { return nil }
                peers[index].consecutiveFailures = 0
                return peers[index].backoff.eject(target: index, at: now, cooldown: cooldown)
            }
        }

        /// Records a round trip to target `index` that failed or succeeded: ``record(_:verdict:at:)`` with
        /// ``RoundTripVerdict/failure`` or ``RoundTripVerdict/success``.
        @discardableResult
        public mutating func record(_ index: Int, isFailure: Bool, at now: MonotonicInstant) -> TargetTransition? {
            record(index, verdict: isFailure ? .failure : .success, at: now)
        }

        /// The cooldown of a target's `n`th consecutive ejection: ``ejectTimeout`` doubled `n - 1` times,
        /// capped at ``maxEjectTimeout``.
        public func cooldown(forEjection n: Int) -> Duration {
            cooldown.duration(forEpisode: n)
        }
    }
}

extension EjectingBalancer.StateMachine: BalancerStateMachine {
    mutating func admit(
        at now: MonotonicInstant,
        isUp: (Int) -> Bool,
        transitions: inout [TargetTransition]
    ) -> BalancerAdmission<Int> {
        pick(at: now, isAdmissible: isUp).map { .admitted($0) } ?? .shed(.empty)
    }

    static func target(of index: Int) -> Int { index }

    mutating func record(_ roundTrip: FinishedRoundTrip, of index: Int) -> TargetTransition? {
        record(index, verdict: roundTrip.verdict, at: roundTrip.finishedAt)
    }
}
