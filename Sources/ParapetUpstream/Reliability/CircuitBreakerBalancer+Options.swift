import ParapetCore

extension CircuitBreakerBalancer {
    /// How a ``CircuitBreakerBalancer`` trips, cools down and heals. The defaults are those of the Go
    /// original.
    ///
    /// ```swift
    /// var options = CircuitBreakerBalancer.Options()
    /// options.failureThreshold = 3
    /// options.openTimeout = .seconds(2)
    /// options.isFailure = FailureClassifiers.transportFailuresAndServerErrors
    /// let breaker = CircuitBreakerBalancer(pool, options: options)
    /// ```
    public struct Options: Sendable {
        /// Consecutive failures that trip a closed circuit open. Default 5; at least 1.
        public var failureThreshold: Int
        /// Consecutive probe successes that close a half-open circuit. Default 2; at least 1.
        public var successThreshold: Int
        /// The first cooldown of an open circuit; it doubles with each consecutive trip. Default 5 s;
        /// positive, and capped at about 292 billion years (`Int64.max` seconds).
        public var openTimeout: Duration
        /// The longest cooldown. Default 1 min; positive, raised to ``openTimeout`` if below it, and capped
        /// like it.
        public var maxOpenTimeout: Duration
        /// How long a half-open probe may hold its slot before it is reclaimed and the circuit re-opens.
        /// Set it above the transport's response-header timeout. Default 2 min; positive, and capped like
        /// ``openTimeout``.
        public var probeTimeout: Duration
        /// The most probes a half-open circuit admits at once. Default 1; at least 1.
        public var halfOpenMaxProbes: Int
        /// Decides whether a round trip counts as a failure, judged at the response head. Cancelled
        /// round trips never reach it (see ``RoundTripVerdict``). Default
        /// ``FailureClassifiers/transportFailuresOnly``.
        public var isFailure: FailureClassifier
        /// Observes every transition (`trip`, `probe`, `heal`, `reopen`, `expire`) exactly once, after it
        /// took effect, on the task that caused it. Default `nil`.
        public var onStateChange: (@Sendable (StateChange) -> Void)?

        /// Creates options; every parameter defaults to the Go original's value.
        public init(
            failureThreshold: Int = 5,
            successThreshold: Int = 2,
            openTimeout: Duration = .seconds(5),
            maxOpenTimeout: Duration = .seconds(60),
            probeTimeout: Duration = .seconds(120),
            halfOpenMaxProbes: Int = 1,
            isFailure: @escaping FailureClassifier = FailureClassifiers.transportFailuresOnly,
            onStateChange: (@Sendable (StateChange) -> Void)? = nil
        ) {
            self.failureThreshold = failureThreshold
            self.successThreshold = successThreshold
            self.openTimeout = openTimeout
            self.maxOpenTimeout = maxOpenTimeout
            self.probeTimeout = probeTimeout
            self.halfOpenMaxProbes = halfOpenMaxProbes
            self.isFailure = isFailure
            self.onStateChange = onStateChange
        }

        /// These options with the documented clamping applied: ``maxOpenTimeout`` raised to at least
        /// ``openTimeout``, and every duration capped at `Int64.max` seconds, so that no cooldown can
        /// overflow when it doubles or is added to an instant.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError`` naming every field that makes no sense, and its value.
        func validated() throws(ConfigurationError) -> Options {
            var check = ConfigurationCheck()
            check.atLeast(1, failureThreshold, "failureThreshold")
            check.atLeast(1, successThreshold, "successThreshold")
            check.atLeast(1, halfOpenMaxProbes, "halfOpenMaxProbes")
            check.positive(openTimeout, "openTimeout")
            check.positive(maxOpenTimeout, "maxOpenTimeout")
            check.positive(probeTimeout, "probeTimeout")
            try check.result()
            var options = self
            options.openTimeout = min(openTimeout, .longestDelay)
            options.maxOpenTimeout = min(max(maxOpenTimeout, openTimeout), .longestDelay)
            options.probeTimeout = min(probeTimeout, .longestDelay)
            return options
        }
    }
}
