public import ParapetCore

extension LatencyEjectingBalancer {
    /// When a ``LatencyEjectingBalancer`` names a target a latency outlier, and for how long it ejects
    /// it. The defaults, and the clamping of out-of-range percentages and factors, are those of the Go
    /// original.
    ///
    /// ```swift
    /// var options = LatencyEjectingBalancer.Options()
    /// options.ejectionFactor = 4          // 4× the pool median
    /// options.minEjectLatency = .milliseconds(200)
    /// let balancer = LatencyEjectingBalancer(pool, options: options)
    /// ```
    public struct Options: PolicyBackedOptions, Sendable {
        /// Who is an outlier and how long it stays out; its fields read and write through the options too
        /// (`options.ejectionFactor`).
        public var policy: Policy
        /// Observes `eject` and `recover` transitions exactly once each, after they took effect. Default `nil`.
        public var onStateChange: (@Sendable (StateChange) -> Void)?

        /// Creates options; every parameter defaults to the Go original's value.
        public init(
            ejectionFactor: Double = Policy().ejectionFactor,
            minSamples: Int = Policy().minSamples,
            minHosts: Int = Policy().minHosts,
            halfLife: Duration = Policy().halfLife,
            minEjectDelta: Duration = Policy().minEjectDelta,
            minEjectLatency: Duration = Policy().minEjectLatency,
            maxEjectionPercent: Int = Policy().maxEjectionPercent,
            panicThreshold: Int = Policy().panicThreshold,
            ejectTimeout: Duration = Policy().ejectTimeout,
            maxEjectTimeout: Duration = Policy().maxEjectTimeout,
            onStateChange: (@Sendable (StateChange) -> Void)? = nil
        ) {
            self.init(
                policy: Policy(
                    ejectionFactor: ejectionFactor, minSamples: minSamples, minHosts: minHosts, halfLife: halfLife,
                    minEjectDelta: minEjectDelta, minEjectLatency: minEjectLatency, maxEjectionPercent: maxEjectionPercent,
                    panicThreshold: panicThreshold, ejectTimeout: ejectTimeout, maxEjectTimeout: maxEjectTimeout),
                onStateChange: onStateChange)
        }

        /// Creates options around `policy` — one decoded from a configuration file, say.
        public init(policy: Policy, onStateChange: (@Sendable (StateChange) -> Void)? = nil) {
            self.policy = policy
            self.onStateChange = onStateChange
        }
    }
}

extension LatencyEjectingBalancer.Options {
    /// The plain values of ``LatencyEjectingBalancer/Options``: who is an outlier and how long it stays out.
    ///
    /// ```yaml
    /// {ejectionFactor: 3, minSamples: 20, minEjectLatency: 100ms}
    /// ```
    public struct Policy: Sendable, Hashable, Codable, ValidatingPolicy {
        /// A target is an outlier when its mean time to response head is at least this many times the
        /// pool median. Default 3; values ≤ 1 (or NaN) become 3, since a factor ≤ 1 would eject the median;
        /// infinity ejects nothing.
        public var ejectionFactor: Double
        /// Samples a target needs (since it was last ejected) before it counts toward the median and can
        /// be ejected or healed. Default 100; at least 1.
        public var minSamples: Int
        /// Eligible targets needed for a valid median. Default 3; values below 2 become 3.
        public var minHosts: Int
        /// The half-life of the time-decayed average. Default 10 s; positive.
        ///
        /// Every duration is capped at about 292 billion years (`Int64.max` seconds).
        public var halfLife: Duration
        /// An outlier must also exceed the median by at least this. Default 50 ms; not negative.
        public var minEjectDelta: Duration
        /// An outlier must also be at least this slow; zero turns the floor off. Default 0; not negative.
        public var minEjectLatency: Duration
        /// The largest share of the pool, in percent, ejected at once. Default 30; values ≤ 0 or > 100
        /// become 30.
        public var maxEjectionPercent: Int
        /// When more than this percentage of the gate-up targets is ejected the slowdown is systemic and
        /// ejections are ignored. Default 50; values ≤ 0 or > 100 become 50, and it is raised to
        /// ``maxEjectionPercent`` + 1 if not above it.
        public var panicThreshold: Int
        /// The first ejection's length; it doubles with each consecutive ejection. Default 30 s; positive.
        public var ejectTimeout: Duration
        /// The longest ejection. Default 5 min; positive, raised to ``ejectTimeout`` if below it.
        public var maxEjectTimeout: Duration

        /// Creates a policy; every field defaults to the Go original's value.
        public init(
            ejectionFactor: Double = 3,
            minSamples: Int = 100,
            minHosts: Int = 3,
            halfLife: Duration = .seconds(10),
            minEjectDelta: Duration = .milliseconds(50),
            minEjectLatency: Duration = .zero,
            maxEjectionPercent: Int = 30,
            panicThreshold: Int = 50,
            ejectTimeout: Duration = .seconds(30),
            maxEjectTimeout: Duration = .seconds(300)
        ) {
            self.ejectionFactor = ejectionFactor
            self.minSamples = minSamples
            self.minHosts = minHosts
            self.halfLife = halfLife
            self.minEjectDelta = minEjectDelta
            self.minEjectLatency = minEjectLatency
            self.maxEjectionPercent = maxEjectionPercent
            self.panicThreshold = panicThreshold
            self.ejectTimeout = ejectTimeout
            self.maxEjectTimeout = maxEjectTimeout
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case ejectionFactor, minSamples, minHosts, halfLife, minEjectDelta, minEjectLatency, maxEjectionPercent,
                panicThreshold, ejectTimeout, maxEjectTimeout
        }

        /// Decodes the fields present; the others keep their defaults.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Policy()
            ejectionFactor = try container.decodeIfPresent(Double.self, forKey: .ejectionFactor) ?? defaults.ejectionFactor
            minSamples = try container.decodeIfPresent(Int.self, forKey: .minSamples) ?? defaults.minSamples
            minHosts = try container.decodeIfPresent(Int.self, forKey: .minHosts) ?? defaults.minHosts
            halfLife = try container.decodeDurationIfPresent(.halfLife) ?? defaults.halfLife
            minEjectDelta = try container.decodeDurationIfPresent(.minEjectDelta) ?? defaults.minEjectDelta
            minEjectLatency = try container.decodeDurationIfPresent(.minEjectLatency) ?? defaults.minEjectLatency
            maxEjectionPercent = try container.decodeIfPresent(Int.self, forKey: .maxEjectionPercent) ?? defaults.maxEjectionPercent
            panicThreshold = try container.decodeIfPresent(Int.self, forKey: .panicThreshold) ?? defaults.panicThreshold
            ejectTimeout = try container.decodeDurationIfPresent(.ejectTimeout) ?? defaults.ejectTimeout
            maxEjectTimeout = try container.decodeDurationIfPresent(.maxEjectTimeout) ?? defaults.maxEjectTimeout
        }

        /// Encodes every field, durations as text.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ejectionFactor, forKey: .ejectionFactor)
            try container.encode(minSamples, forKey: .minSamples)
            try container.encode(minHosts, forKey: .minHosts)
            try container.encodeDuration(halfLife, forKey: .halfLife)
            try container.encodeDuration(minEjectDelta, forKey: .minEjectDelta)
            try container.encodeDuration(minEjectLatency, forKey: .minEjectLatency)
            try container.encode(maxEjectionPercent, forKey: .maxEjectionPercent)
            try container.encode(panicThreshold, forKey: .panicThreshold)
            try container.encodeDuration(ejectTimeout, forKey: .ejectTimeout)
            try container.encodeDuration(maxEjectTimeout, forKey: .maxEjectTimeout)
        }

        /// This policy with the documented clamping applied, and every duration capped at `Int64.max`
        /// seconds, so that no cooldown can overflow when it doubles or is added to an instant.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError`` naming every field that makes no sense, and its value.
        package func validated() throws(ConfigurationError) -> Policy {
            var check = ConfigurationCheck()
            check.atLeast(1, minSamples, "minSamples")
            check.positive(halfLife, "halfLife")
            check.nonNegative(minEjectDelta, "minEjectDelta")
            check.nonNegative(minEjectLatency, "minEjectLatency")
            check.positive(ejectTimeout, "ejectTimeout")
            check.positive(maxEjectTimeout, "maxEjectTimeout")
            try check.result()
            var policy = self
            if !(ejectionFactor > 1) { policy.ejectionFactor = 3 }
            if minHosts < 2 { policy.minHosts = 3 }
            if maxEjectionPercent <= 0 || maxEjectionPercent > 100 { policy.maxEjectionPercent = 30 }
            if panicThreshold <= 0 || panicThreshold > 100 { policy.panicThreshold = 50 }
            if policy.panicThreshold <= policy.maxEjectionPercent {
                policy.panicThreshold = policy.maxEjectionPercent + 1
            }
            policy.halfLife = min(halfLife, .longestDelay)
            policy.minEjectDelta = min(minEjectDelta, .longestDelay)
            policy.minEjectLatency = min(minEjectLatency, .longestDelay)
            policy.ejectTimeout = min(ejectTimeout, .longestDelay)
            policy.maxEjectTimeout = min(max(maxEjectTimeout, ejectTimeout), .longestDelay)
            return policy
        }
    }
}
