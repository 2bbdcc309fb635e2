import ParapetCore

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
    public struct Options: Sendable {
        /// A target is an outlier when its mean time to response head is at least this many times the
        /// pool median. Default 3; values ≤ 1 (or NaN) become 3, since a factor ≤ 1 would eject the median.
        public var ejectionFactor: Double
        /// Samples a target needs (since it was last ejected) before it counts toward the median and can
        /// be ejected or healed. Default 100; at least 1.
        public var minSamples: Int
        /// Eligible targets needed for a valid median. Default 3; values below 2 become 3.
        public var minHosts: Int
        /// The half-life of the time-decayed average. Default 10 s; positive.
        ///
        /// Every duration option is capped at about 292 billion years (`Int64.max` seconds).
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
        /// The first ejection's length; it doubles with each consecutive ejection. Default 30 s; positive,
        /// and capped at `Int64.max` seconds.
        public var ejectTimeout: Duration
        /// The longest ejection. Default 5 min; positive, raised to ``ejectTimeout`` if below it, and capped
        /// like it.
        public var maxEjectTimeout: Duration
        /// Observes `eject` and `recover` transitions exactly once each, after they took effect. Default `nil`.
        public var onStateChange: (@Sendable (StateChange) -> Void)?

        /// Creates options; every parameter defaults to the Go original's value.
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
            maxEjectTimeout: Duration = .seconds(300),
            onStateChange: (@Sendable (StateChange) -> Void)? = nil
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
            self.onStateChange = onStateChange
        }

        /// These options with the documented clamping applied, and every duration capped at `Int64.max`
        /// seconds, so that no cooldown can overflow when it doubles or is added to an instant.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError`` naming every field that makes no sense, and its value.
        func validated() throws(ConfigurationError) -> Options {
            var check = ConfigurationCheck()
            check.atLeast(1, minSamples, "minSamples")
            check.positive(halfLife, "halfLife")
            check.nonNegative(minEjectDelta, "minEjectDelta")
            check.nonNegative(minEjectLatency, "minEjectLatency")
            check.positive(ejectTimeout, "ejectTimeout")
            check.positive(maxEjectTimeout, "maxEjectTimeout")
            try check.result()
            var options = self
            if !(ejectionFactor > 1) { options.ejectionFactor = 3 }
            if minHosts < 2 { options.minHosts = 3 }
            if maxEjectionPercent <= 0 || maxEjectionPercent > 100 { options.maxEjectionPercent = 30 }
            if panicThreshold <= 0 || panicThreshold > 100 { options.panicThreshold = 50 }
            if options.panicThreshold <= options.maxEjectionPercent {
                options.panicThreshold = options.maxEjectionPercent + 1
            }
            options.halfLife = min(halfLife, .longestDelay)
            options.minEjectDelta = min(minEjectDelta, .longestDelay)
            options.minEjectLatency = min(minEjectLatency, .longestDelay)
            options.ejectTimeout = min(ejectTimeout, .longestDelay)
            options.maxEjectTimeout = min(max(maxEjectTimeout, ejectTimeout), .longestDelay)
            return options
        }
    }
}
