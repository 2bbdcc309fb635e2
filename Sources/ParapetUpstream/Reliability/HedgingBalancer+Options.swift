import ParapetCore

extension HedgingBalancer {
    /// When a ``HedgingBalancer`` races a duplicate, and what wins. The defaults are those of the Go
    /// original's constructor: hedging is off until ``hedgeDelay`` is set.
    ///
    /// ```swift
    /// var options = HedgingBalancer.Options(hedgeDelay: .milliseconds(30))   // about the p95
    /// options.isWinner = { outcome in
    ///     if case .success(let answer) = outcome { return answer.response.status.code < 500 }
    ///     return false
    /// }
    /// let hedged = HedgingBalancer(wrapping: balancer, options: options)
    /// ```
    public struct Options: Sendable {
        /// How long a leg may go unanswered before the next leg is launched; zero disables hedging
        /// (every request passes straight through). Default 0; not negative, and capped at about 292
        /// billion years (`Int64.max` seconds).
        public var hedgeDelay: Duration
        /// The most extra legs beyond the primary. Default 1; values below 1 become 1.
        public var maxHedge: Int
        /// Whether a losing leg launches the next leg at once instead of waiting for ``hedgeDelay``.
        /// Default `true`.
        public var hedgeOnError: Bool
        /// Whether a request may be hedged at all. Default ``HedgingBalancer/isSafeToHedge(_:)``. A
        /// protocol upgrade is never hedged, whatever this says: its byte stream cannot be shared by two
        /// legs.
        public var isHedgeable: @Sendable (UpstreamRequest) -> Bool
        /// Whether a leg's outcome wins the race. Default ``HedgingBalancer/isAnswer(_:)``: any response.
        public var isWinner: @Sendable (Result<UpstreamResponse, any Error>) -> Bool

        /// Creates options; every parameter defaults to the Go original's value.
        public init(
            hedgeDelay: Duration = .zero,
            maxHedge: Int = 1,
            hedgeOnError: Bool = true,
            isHedgeable: @escaping @Sendable (UpstreamRequest) -> Bool = HedgingBalancer.isSafeToHedge,
            isWinner: @escaping @Sendable (Result<UpstreamResponse, any Error>) -> Bool = HedgingBalancer.isAnswer
        ) {
            self.hedgeDelay = hedgeDelay
            self.maxHedge = maxHedge
            self.hedgeOnError = hedgeOnError
            self.isHedgeable = isHedgeable
            self.isWinner = isWinner
        }

        /// These options with the documented clamping applied: ``maxHedge`` raised to at least 1 and
        /// ``hedgeDelay`` capped at `Int64.max` seconds.
        ///
        /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for a negative
        ///   ``hedgeDelay``, naming its value.
        func validated() throws(ConfigurationError) -> Options {
            var check = ConfigurationCheck()
            check.nonNegative(hedgeDelay, "hedgeDelay")
            try check.result()
            var options = self
            options.hedgeDelay = min(hedgeDelay, .longestDelay)
            options.maxHedge = max(maxHedge, 1)
            return options
        }
    }
}
