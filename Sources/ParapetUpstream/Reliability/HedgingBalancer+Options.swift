public import ParapetCore

extension HedgingBalancer {
    /// When a ``HedgingBalancer`` races a duplicate, and what wins. The defaults are those of the Go
    /// original's constructor: hedging is off until ``Policy/hedgeDelay`` is set.
    ///
    /// ```swift
    /// var options = HedgingBalancer.Options(hedgeDelay: .milliseconds(30))   // about the p95
    /// options.isWinner = { outcome in
    ///     if case .success(let answer) = outcome { return answer.response.status.code < 500 }
    ///     return false
    /// }
    /// let hedged = HedgingBalancer(wrapping: balancer, options: options)
    /// ```
    public struct Options: PolicyBackedOptions, Sendable {
        /// When to launch a duplicate and how many; its fields read and write through the options too
        /// (`options.hedgeDelay`).
        public var policy: Policy
        /// Whether a request may be hedged at all. Default ``HedgingBalancer/isSafeToHedge(_:)``. A
        /// protocol upgrade is never hedged, whatever this says: its byte stream cannot be shared by two
        /// legs.
        public var isHedgeable: @Sendable (UpstreamRequest) -> Bool
        /// Whether a leg's outcome wins the race. Default ``HedgingBalancer/isAnswer(_:)``: any response.
        public var isWinner: @Sendable (Result<UpstreamResponse, any Error>) -> Bool

        /// Creates options; every parameter defaults to the Go original's value.
        public init(
            hedgeDelay: Duration = Policy().hedgeDelay,
            maxHedge: Int = Policy().maxHedge,
            hedgeOnError: Bool = Policy().hedgeOnError,
            isHedgeable: @escaping @Sendable (UpstreamRequest) -> Bool = HedgingBalancer.isSafeToHedge,
            isWinner: @escaping @Sendable (Result<UpstreamResponse, any Error>) -> Bool = HedgingBalancer.isAnswer
        ) {
            self.init(
                policy: Policy(hedgeDelay: hedgeDelay, maxHedge: maxHedge, hedgeOnError: hedgeOnError),
                isHedgeable: isHedgeable, isWinner: isWinner)
        }

        /// Creates options around `policy` — one decoded from a configuration file, say.
        public init(
            policy: Policy,
            isHedgeable: @escaping @Sendable (UpstreamRequest) -> Bool = HedgingBalancer.isSafeToHedge,
            isWinner: @escaping @Sendable (Result<UpstreamResponse, any Error>) -> Bool = HedgingBalancer.isAnswer
        ) {
            self.policy = policy
            self.isHedgeable = isHedgeable
            self.isWinner = isWinner
        }
    }
}

extension HedgingBalancer.Options {
    /// The plain values of ``HedgingBalancer/Options``: when to launch a duplicate and how many.
    ///
    /// ```yaml
    /// {hedgeDelay: 50ms, maxHedge: 1}
    /// ```
    public struct Policy: Sendable, Hashable, Codable, ValidatingPolicy {
        /// How long a leg may go unanswered before the next leg is launched; zero disables hedging
        /// (every request passes straight through). Default 0; not negative, and capped at about 292
        /// billion years (`Int64.max` seconds).
        public var hedgeDelay: Duration
        /// The most extra legs beyond the primary. Default 1; values below 1 become 1.
        public var maxHedge: Int
        /// Whether a losing leg launches the next leg at once instead of waiting for ``hedgeDelay``.
        /// Default `true`.
        public var hedgeOnError: Bool

        /// Creates a policy; every field defaults to the Go original's value.
        public init(hedgeDelay: Duration = .zero, maxHedge: Int = 1, hedgeOnError: Bool = true) {
            self.hedgeDelay = hedgeDelay
            self.maxHedge = maxHedge
            self.hedgeOnError = hedgeOnError
        }

        private enum CodingKeys: String, CodingKey, CaseIterable { case hedgeDelay, maxHedge, hedgeOnError }

        /// Decodes the fields present; the others keep their defaults.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Policy()
            hedgeDelay = try container.decodeDurationIfPresent(.hedgeDelay) ?? defaults.hedgeDelay
            maxHedge = try container.decodeIfPresent(Int.self, forKey: .maxHedge) ?? defaults.maxHedge
            hedgeOnError = try container.decodeIfPresent(Bool.self, forKey: .hedgeOnError) ?? defaults.hedgeOnError
        }

        /// Encodes every field, durations as text.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeDuration(hedgeDelay, forKey: .hedgeDelay)
            try container.encode(maxHedge, forKey: .maxHedge)
            try container.encode(hedgeOnError, forKey: .hedgeOnError)
        }

        /// This policy with the documented clamping applied: ``maxHedge`` raised to at least 1 and
        /// ``hedgeDelay`` capped at `Int64.max` seconds.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for a negative
        ///   ``hedgeDelay``, naming its value.
        package func validated() throws(ConfigurationError) -> Policy {
            var check = ConfigurationCheck()
            check.nonNegative(hedgeDelay, "hedgeDelay")
            try check.result()
            var policy = self
            policy.hedgeDelay = min(hedgeDelay, .longestDelay)
            policy.maxHedge = max(maxHedge, 1)
            return policy
        }
    }
}
