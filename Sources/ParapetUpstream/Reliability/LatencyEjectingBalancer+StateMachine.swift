public import ParapetCore

extension LatencyEjectingBalancer {
    /// The decisions of a ``LatencyEjectingBalancer`` as a pure value: a ``RoundRobinRotation`` and, per
    /// target, a time-decayed mean of the time to response head, driven by `now` and latency samples.
    ///
    /// After a target has ``LatencyEjectingBalancer/Options/Policy/minSamples`` samples and at least
    /// ``LatencyEjectingBalancer/Options/Policy/minHosts`` targets have as many, the target is an outlier iff its
    /// mean is at least `factor × median`, at least `median + minEjectDelta` and at least `minEjectLatency`
    /// (the median over the eligible targets, itself included). An outlier is ejected only if
    /// `(ejected + 1) · 100 ≤ panicThreshold · n` and `≤ maxEjectionPercent · n`, for `ejectTimeout ·
    /// 2^(e-1)` (capped); ejection wipes its mean and samples, so it must earn `minSamples` again. A target
    /// within tolerance under a valid median heals: its backoff resets, and a target that was ejected
    /// reports `recover`.
    ///
    /// ```swift
    /// var machine = try LatencyEjectingBalancer.StateMachine(targetCount: 4, options: .init())
    /// if let pick = machine.pick(at: now, isUp: { _ in true }) {
    ///     let change = machine.record(latency: .milliseconds(12), target: pick.target, at: now)
    /// }
    /// ```
    public struct StateMachine: Sendable {
        /// How a pick was made.
        public enum Route: Sendable, Hashable {
            /// Round-robin over the gate-up targets that are not ejected.
            case normal
            /// More than the panic threshold of the gate-up targets is ejected: the slowdown is systemic,
            /// so ejections are ignored and every gate-up target is in the rotation.
            case panic
            /// Every target is gated down, or every gate-up one ejected: routed to the rotation slot anyway,
            /// since a slow or doubtful target beats a `503`.
            case failOpen
        }

        /// A picked target and how it was picked.
        public struct Pick: Sendable, Hashable {
            /// The target's index in the pool.
            public var target: Int
            /// Why this target.
            public var route: Route
        }

        private struct Peer: Sendable {
            var latency = DecayingAverage()
            var samples = 0
            var backoff = EjectionBackoff()

            func isEjected(at now: MonotonicInstant) -> Bool {
                backoff.isEjected(at: now)
            }
        }

        private var peers: [Peer]
        private var rotation: RoundRobinRotation
        /// Reused between records, to find the median without allocating.
        private var scratch: [Double] = []
        private let factor: Double
        private let minSamples: Int
        private let minHosts: Int
        private let tau: Double
        private let minEjectDelta: Double
        private let minEjectLatency: Double
        private let maxEjectionPercent: Int
        private let panicThreshold: Int
        private let cooldown: ExponentialCooldown

        /// Creates the state for `targetCount` targets with no samples.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for options that make no sense.
        public init(targetCount: Int, options: LatencyEjectingBalancer.Options) throws(ConfigurationError) {
            let options = try options.validated()
            peers = Array(repeating: Peer(), count: max(targetCount, 0))
            rotation = RoundRobinRotation(count: targetCount)
            scratch.reserveCapacity(peers.count)
            factor = options.ejectionFactor
            minSamples = options.minSamples
            minHosts = options.minHosts
            tau = options.halfLife.inSeconds / 0.693_147_180_559_945_3  // ln 2
            minEjectDelta = options.minEjectDelta.inSeconds
            minEjectLatency = options.minEjectLatency.inSeconds
            maxEjectionPercent = options.maxEjectionPercent
            panicThreshold = options.panicThreshold
            cooldown = ExponentialCooldown(base: options.ejectTimeout, cap: options.maxEjectTimeout)
        }

        /// The number of targets.
        public var targetCount: Int { peers.count }

        /// Picks the next target round-robin, resuming after the last one picked; `nil` for an empty pool.
        ///
        /// Skips gated-down (`!isUp(index)`) and ejected targets; see ``Route`` for the all-down cases.
        public mutating func pick(at now: MonotonicInstant, isUp: (Int) -> Bool) -> Pick? {
            guard !peers.isEmpty else { return nil }
            var upCount = 0
            var ejectedUpCount = 0
            for index in peers.indices where isUp(index) {
                upCount += 1
                if peers[index].isEjected(at: now) { ejectedUpCount += 1 }
            }
            let route: Route
            if upCount == 0 || ejectedUpCount == upCount {
                route = .failOpen
            } else if ejectedUpCount * 100 > panicThreshold * upCount {
                route = .panic
            } else {
                route = .normal
            }
            let peers = self.peers
            // With nobody up, no index is admissible and the rotation fails open to its own slot.
            let target = rotation.pick { index in
                isUp(index) && (route != .normal || !peers[index].isEjected(at: now))
            }
            return target.map { Pick(target: $0, route: route) }
        }

        /// Folds the time to response head of a successful round trip to `target` into its mean and runs
        /// the outlier test; returns the `eject` or `recover` transition it caused, if any.
        public mutating func record(latency: Duration, target: Int, at now: MonotonicInstant) -> TargetTransition? {
            guard peers.indices.contains(target) else { return nil }
            peers[target].latency.add(max(latency, .zero).inSeconds, at: now, tau: tau)
            peers[target].samples += 1
            guard peers[target].samples >= minSamples, let mean = peers[target].latency.mean,
                let median = eligibleMedian()
            else { return nil }  // cold start, or no valid baseline: neither eject nor heal

            if mean < median * factor || mean < median + minEjectDelta || mean < minEjectLatency {
                return heal(target)
            }
            let ejected = peers.indices.reduce(0) { $0 + (peers[$1].isEjected(at: now) ? 1 : 0) }
            guard (ejected + 1) * 100 <= panicThreshold * peers.count,
                (ejected + 1) * 100 <= maxEjectionPercent * peers.count
            else { return nil }  // systemic, or at the cap: keep it in rotation, slow but serving
            return eject(target, at: now)
        }

        /// Whether `target` is inside an ejection's cooldown at `now`.
        public func isEjected(_ target: Int, at now: MonotonicInstant) -> Bool {
            peers.indices.contains(target) && peers[target].isEjected(at: now)
        }

        /// The state of `target` as of its last transition: ``TargetState/open`` from an ejection until it
        /// heals (`recover`) — even once the cooldown has passed and it serves again —, ``TargetState/closed``
        /// otherwise (and for an index outside the pool).
        public func state(of target: Int) -> TargetState {
            peers.indices.contains(target) ? peers[target].backoff.state : .closed
        }

        /// The decayed mean time to response head of `target`, `nil` before its first sample (or since its
        /// last ejection).
        public func meanLatency(of target: Int) -> Duration? {
            guard peers.indices.contains(target), let mean = peers[target].latency.mean else { return nil }
            return .nanoseconds(Int64((mean * 1e9).rounded()))
        }

        /// The median mean of the targets with enough samples, when there are at least `minHosts` of them.
        private mutating func eligibleMedian() -> Double? {
            scratch.removeAll(keepingCapacity: true)
            for peer in peers where peer.samples >= minSamples {
                if let mean = peer.latency.mean { scratch.append(mean) }
            }
            guard scratch.count >= minHosts else { return nil }
            scratch.sort()
            let middle = scratch.count / 2
            return scratch.count % 2 == 1 ? scratch[middle] : (scratch[middle - 1] + scratch[middle]) / 2
        }

        private mutating func heal(_ target: Int) -> TargetTransition? {
            peers[target].backoff.recover(target: target)
        }

        private mutating func eject(_ target: Int, at now: MonotonicInstant) -> TargetTransition? {
            guard let transition = peers[target].backoff.eject(target: target, at: now, cooldown: cooldown) else {
                return nil
            }
            peers[target].latency.reset()
            peers[target].samples = 0
            return transition
        }
    }
}

extension LatencyEjectingBalancer.StateMachine: BalancerStateMachine {
    mutating func admit(
        at now: MonotonicInstant,
        isUp: (Int) -> Bool,
        transitions: inout [TargetTransition]
    ) -> BalancerAdmission<Pick> {
        pick(at: now, isUp: isUp).map { .admitted($0) } ?? .shed(.empty)
    }

    static func target(of pick: Pick) -> Int { pick.target }

    /// Only an answer is a sample: a transport error says nothing about how fast the target answers.
    mutating func record(_ roundTrip: FinishedRoundTrip, of pick: Pick) -> TargetTransition? {
        guard let latency = roundTrip.latency else { return nil }
        return record(latency: latency, target: pick.target, at: roundTrip.finishedAt)
    }
}
