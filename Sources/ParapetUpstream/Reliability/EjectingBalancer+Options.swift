public import ParapetCore

extension EjectingBalancer {
    /// When an ``EjectingBalancer`` ejects targets, for how long, and who hears about it. The defaults
    /// are those of the Go original.
    ///
    /// ```swift
    /// let options = EjectingBalancer.Options(
    ///     maxFails: 3,
    ///     ejectTimeout: .seconds(30),
    ///     isFailure: FailureClassifiers.transportFailuresAndServerErrors
    /// )
    /// ```
    public struct Options: PolicyBackedOptions, Sendable {
        /// When to eject and for how long; its fields read and write through the options too
        /// (`options.maxFails`).
        public var policy: Policy
        /// Whether a round trip's outcome counts as a failure, judged at the response head. Cancelled
        /// round trips never reach it (see ``RoundTripVerdict``). Default
        /// ``FailureClassifiers/transportFailuresOnly``.
        public var isFailure: FailureClassifier
        /// Called after a target is ejected (``StateChangeReason/eject``) or returned to rotation by its
        /// first success after an ejection (``StateChangeReason/recover``). Default `nil`.
        public var onStateChange: (@Sendable (StateChange) -> Void)?

        /// Creates options with the defaults of the Go original.
        public init(
            maxFails: Int = Policy().maxFails,
            ejectTimeout: Duration = Policy().ejectTimeout,
            maxEjectTimeout: Duration = Policy().maxEjectTimeout,
            isFailure: @escaping FailureClassifier = FailureClassifiers.transportFailuresOnly,
            onStateChange: (@Sendable (StateChange) -> Void)? = nil
        ) {
            self.init(
                policy: Policy(maxFails: maxFails, ejectTimeout: ejectTimeout, maxEjectTimeout: maxEjectTimeout),
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

extension EjectingBalancer.Options {
    /// The plain values of ``EjectingBalancer/Options``: when to eject and for how long.
    ///
    /// ```yaml
    /// {maxFails: 2, ejectTimeout: 10s}      # maxEjectTimeout keeps its default
    /// ```
    public struct Policy: Sendable, Hashable, Codable, ValidatingPolicy {
        /// Consecutive failures that eject a target; at least 1. Default 3.
        public var maxFails: Int
        /// The first ejection's cooldown; positive, and capped at about 292 billion years (`Int64.max`
        /// seconds). Default 30 s.
        public var ejectTimeout: Duration
        /// The longest cooldown; not negative, raised to ``ejectTimeout`` when shorter, and capped like
        /// it. Default 5 minutes.
        public var maxEjectTimeout: Duration

        /// Creates a policy; every field defaults to the Go original's value.
        public init(maxFails: Int = 3, ejectTimeout: Duration = .seconds(30), maxEjectTimeout: Duration = .seconds(300)) {
            self.maxFails = maxFails
            self.ejectTimeout = ejectTimeout
            self.maxEjectTimeout = maxEjectTimeout
        }

        private enum CodingKeys: String, CodingKey, CaseIterable { case maxFails, ejectTimeout, maxEjectTimeout }

        /// Decodes the fields present; the others keep their defaults.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Policy()
            maxFails = try container.decodeIfPresent(Int.self, forKey: .maxFails) ?? defaults.maxFails
            ejectTimeout = try container.decodeDurationIfPresent(.ejectTimeout) ?? defaults.ejectTimeout
            maxEjectTimeout = try container.decodeDurationIfPresent(.maxEjectTimeout) ?? defaults.maxEjectTimeout
        }

        /// Encodes every field, durations as text.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(maxFails, forKey: .maxFails)
            try container.encodeDuration(ejectTimeout, forKey: .ejectTimeout)
            try container.encodeDuration(maxEjectTimeout, forKey: .maxEjectTimeout)
        }

        /// This policy with the documented clamping applied: ``maxEjectTimeout`` raised to at least
        /// ``ejectTimeout``, and both capped at `Int64.max` seconds.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError`` naming every field that makes no sense, and its value.
        package func validated() throws(ConfigurationError) -> Policy {
            var check = ConfigurationCheck()
            check.atLeast(1, maxFails, "maxFails")
            check.positive(ejectTimeout, "ejectTimeout")
            check.nonNegative(maxEjectTimeout, "maxEjectTimeout")
            try check.result()
            var policy = self
            policy.ejectTimeout = min(ejectTimeout, .longestDelay)
            policy.maxEjectTimeout = min(max(maxEjectTimeout, ejectTimeout), .longestDelay)
            return policy
        }
    }
}
