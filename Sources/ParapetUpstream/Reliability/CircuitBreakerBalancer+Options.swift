public import ParapetCore

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
    public struct Options: PolicyBackedOptions, Sendable {
        /// When to trip, how long to stay open and how to heal; its fields read and write through the options
        /// too (`options.failureThreshold`).
        public var policy: Policy
        /// Decides whether a round trip counts as a failure, judged at the response head. Cancelled
        /// round trips never reach it (see ``RoundTripVerdict``). Default
        /// ``FailureClassifiers/transportFailuresOnly``.
        public var isFailure: FailureClassifier
        /// Observes every transition (`trip`, `probe`, `heal`, `reopen`, `expire`) exactly once, after it
        /// took effect, on the task that caused it. Default `nil`.
        public var onStateChange: (@Sendable (StateChange) -> Void)?

        /// Creates options; every parameter defaults to the Go original's value.
        public init(
            failureThreshold: Int = Policy().failureThreshold,
            successThreshold: Int = Policy().successThreshold,
            openTimeout: Duration = Policy().openTimeout,
            maxOpenTimeout: Duration = Policy().maxOpenTimeout,
            probeTimeout: Duration = Policy().probeTimeout,
            halfOpenMaxProbes: Int = Policy().halfOpenMaxProbes,
            isFailure: @escaping FailureClassifier = FailureClassifiers.transportFailuresOnly,
            onStateChange: (@Sendable (StateChange) -> Void)? = nil
        ) {
            self.init(
                policy: Policy(
                    failureThreshold: failureThreshold, successThreshold: successThreshold, openTimeout: openTimeout,
                    maxOpenTimeout: maxOpenTimeout, probeTimeout: probeTimeout, halfOpenMaxProbes: halfOpenMaxProbes),
                isFailure: isFailure, onStateChange: onStateChange)
        }

        /// Creates options around `policy` — one decoded from a configuration file, say.
        public init(
            policy: Policy,
            isFailure: @escaping FailureClassifier = FailureClassifiers.transportFailuresOnly,
            onStateChange: (@Sendable (StateChange) -> Void)? = nil
        ) {
            self.policy = policy
            self.isFailure = isFailure
            self.onStateChange = onStateChange
        }
    }
}

extension CircuitBreakerBalancer.Options {
    /// The plain values of ``CircuitBreakerBalancer/Options``: when to trip, how long to stay open and how
    /// to heal.
    ///
    /// ```yaml
    /// {failureThreshold: 3, openTimeout: 5s, maxOpenTimeout: 30s}
    /// ```
    public struct Policy: Sendable, Hashable, Codable, ValidatingPolicy {
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

        /// Creates a policy; every field defaults to the Go original's value.
        public init(
            failureThreshold: Int = 5,
            successThreshold: Int = 2,
            openTimeout: Duration = .seconds(5),
            maxOpenTimeout: Duration = .seconds(60),
            probeTimeout: Duration = .seconds(120),
            halfOpenMaxProbes: Int = 1
        ) {
            self.failureThreshold = failureThreshold
            self.successThreshold = successThreshold
            self.openTimeout = openTimeout
            self.maxOpenTimeout = maxOpenTimeout
            self.probeTimeout = probeTimeout
            self.halfOpenMaxProbes = halfOpenMaxProbes
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case failureThreshold, successThreshold, openTimeout, maxOpenTimeout, probeTimeout, halfOpenMaxProbes
        }

        /// Decodes the fields present; the others keep their defaults.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Policy()
            failureThreshold = try container.decodeIfPresent(Int.self, forKey: .failureThreshold) ?? defaults.failureThreshold
            successThreshold = try container.decodeIfPresent(Int.self, forKey: .successThreshold) ?? defaults.successThreshold
            openTimeout = try container.decodeDurationIfPresent(.openTimeout) ?? defaults.openTimeout
            maxOpenTimeout = try container.decodeDurationIfPresent(.maxOpenTimeout) ?? defaults.maxOpenTimeout
            probeTimeout = try container.decodeDurationIfPresent(.probeTimeout) ?? defaults.probeTimeout
            halfOpenMaxProbes = try container.decodeIfPresent(Int.self, forKey: .halfOpenMaxProbes) ?? defaults.halfOpenMaxProbes
        }

        /// Encodes every field, durations as text.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(failureThreshold, forKey: .failureThreshold)
            try container.encode(successThreshold, forKey: .successThreshold)
            try container.encodeDuration(openTimeout, forKey: .openTimeout)
            try container.encodeDuration(maxOpenTimeout, forKey: .maxOpenTimeout)
            try container.encodeDuration(probeTimeout, forKey: .probeTimeout)
            try container.encode(halfOpenMaxProbes, forKey: .halfOpenMaxProbes)
        }

        /// This policy with the documented clamping applied: ``maxOpenTimeout`` raised to at least
        /// ``openTimeout``, and every duration capped at `Int64.max` seconds, so that no cooldown can
        /// overflow when it doubles or is added to an instant.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError`` naming every field that makes no sense, and its value.
        package func validated() throws(ConfigurationError) -> Policy {
            var check = ConfigurationCheck()
            check.atLeast(1, failureThreshold, "failureThreshold")
            check.atLeast(1, successThreshold, "successThreshold")
            check.atLeast(1, halfOpenMaxProbes, "halfOpenMaxProbes")
            check.positive(openTimeout, "openTimeout")
            check.positive(maxOpenTimeout, "maxOpenTimeout")
            check.positive(probeTimeout, "probeTimeout")
            try check.result()
            var policy = self
            policy.openTimeout = min(openTimeout, .longestDelay)
            policy.maxOpenTimeout = min(max(maxOpenTimeout, openTimeout), .longestDelay)
            policy.probeTimeout = min(probeTimeout, .longestDelay)
            return policy
        }
    }
}
