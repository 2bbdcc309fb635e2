import ParapetCore

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
    public struct Options: Sendable {
        /// Consecutive failures that eject a target; at least 1. Default 3.
        public var maxFails: Int
        /// The first ejection's cooldown; positive, and capped at about 292 billion years (`Int64.max`
        /// seconds). Default 30 s.
        public var ejectTimeout: Duration
        /// The longest cooldown; not negative, raised to ``ejectTimeout`` when shorter, and capped like
        /// it. Default 5 minutes.
        public var maxEjectTimeout: Duration
        /// Whether a round trip's outcome counts as a failure, judged at the response head. Cancelled
        /// round trips never reach it (see ``RoundTripVerdict``). Default
        /// ``FailureClassifiers/transportFailuresOnly``.
        public var isFailure: FailureClassifier
        /// Called after a target is ejected (``StateChangeReason/eject``) or returned to rotation by its
        /// first success after an ejection (``StateChangeReason/recover``). Default `nil`.
        public var onStateChange: (@Sendable (StateChange) -> Void)?

        /// Creates options with the defaults of the Go original.
        public init(
            maxFails: Int = 3,
            ejectTimeout: Duration = .seconds(30),
            maxEjectTimeout: Duration = .seconds(300),
            isFailure: @escaping FailureClassifier = FailureClassifiers.transportFailuresOnly,
            onStateChange: (@Sendable (StateChange) -> Void)? = nil
        ) {
            self.maxFails = maxFails
            self.ejectTimeout = ejectTimeout
            self.maxEjectTimeout = maxEjectTimeout
            self.isFailure = isFailure
            self.onStateChange = onStateChange
        }

        /// These options with the documented clamping applied: ``maxEjectTimeout`` raised to at least
        /// ``ejectTimeout``, and both capped at `Int64.max` seconds.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError`` naming every field that makes no sense, and its value.
        func validated() throws(ConfigurationError) -> Options {
            var check = ConfigurationCheck()
            check.atLeast(1, maxFails, "maxFails")
            check.positive(ejectTimeout, "ejectTimeout")
            check.nonNegative(maxEjectTimeout, "maxEjectTimeout")
            try check.result()
            var options = self
            options.ejectTimeout = min(ejectTimeout, .longestDelay)
            options.maxEjectTimeout = min(max(maxEjectTimeout, ejectTimeout), .longestDelay)
            return options
        }
    }
}
