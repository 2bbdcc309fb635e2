extension Scenario {
    /// Options for `ActiveHealthCheck`; `nil` takes the real default. Probes go out of band to each target and
    /// are counted apart from traffic.
    ///
    /// ```swift
    /// let check = Scenario.HealthCheck(interval: .seconds(2), timeout: .seconds(1), unhealthyThreshold: 2)
    /// ```
    public struct HealthCheck: Sendable, Hashable, Codable {
        /// Time between probes of one target.
        public var interval: Duration?
        /// How long a probe may take.
        public var timeout: Duration?
        /// Consecutive good probes that mark a target up.
        public var healthyThreshold: Int?
        /// Consecutive bad probes that mark a target down.
        public var unhealthyThreshold: Int?
        /// Whether targets start down until a probe passes.
        public var startUnhealthy: Bool
        /// The probe path.
        public var path: String?

        /// Creates options.
        public init(
            interval: Duration? = nil, timeout: Duration? = nil, healthyThreshold: Int? = nil,
            unhealthyThreshold: Int? = nil, startUnhealthy: Bool = false, path: String? = nil
        ) {
            self.interval = interval
            self.timeout = timeout
            self.healthyThreshold = healthyThreshold
            self.unhealthyThreshold = unhealthyThreshold
            self.startUnhealthy = startUnhealthy
            self.path = path
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case interval, timeout, healthyThreshold, unhealthyThreshold, startUnhealthy, path
        }

        /// Decodes the health-check mapping.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            interval = try container.decodeDurationIfPresent(.interval)
            timeout = try container.decodeDurationIfPresent(.timeout)
            healthyThreshold = try container.decodeOptional(.healthyThreshold)
            unhealthyThreshold = try container.decodeOptional(.unhealthyThreshold)
            startUnhealthy = try container.decodeValue(.startUnhealthy, default: false)
            path = try container.decodeOptional(.path)
        }

        /// Encodes the fields that are set.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeDurationIfPresent(interval, forKey: .interval)
            try container.encodeDurationIfPresent(timeout, forKey: .timeout)
            try container.encodeIfPresent(healthyThreshold, forKey: .healthyThreshold)
            try container.encodeIfPresent(unhealthyThreshold, forKey: .unhealthyThreshold)
            try container.encode(startUnhealthy, forKey: .startUnhealthy)
            try container.encodeIfPresent(path, forKey: .path)
        }
    }

    /// Options for `HedgingBalancer`.
    ///
    /// ```swift
    /// let hedging = Scenario.Hedging(delay: .milliseconds(50), maxHedge: 1)
    /// ```
    public struct Hedging: Sendable, Hashable, Codable {
        /// How long to wait before racing a duplicate.
        public var delay: Duration
        /// Duplicates at most.
        public var maxHedge: Int?
        /// Whether a failed leg launches the next at once.
        public var hedgeOnError: Bool?

        /// Creates options.
        public init(delay: Duration, maxHedge: Int? = nil, hedgeOnError: Bool? = nil) {
            self.delay = delay
            self.maxHedge = maxHedge
            self.hedgeOnError = hedgeOnError
        }

        private enum CodingKeys: String, CodingKey, CaseIterable { case delay, maxHedge, hedgeOnError }

        /// Decodes `{delay, maxHedge, hedgeOnError}`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            delay = try container.decodeDuration(.delay)
            maxHedge = try container.decodeOptional(.maxHedge)
            hedgeOnError = try container.decodeOptional(.hedgeOnError)
        }

        /// Encodes the fields that are set.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeDuration(delay, forKey: .delay)
            try container.encodeIfPresent(maxHedge, forKey: .maxHedge)
            try container.encodeIfPresent(hedgeOnError, forKey: .hedgeOnError)
        }
    }

    /// Options for the `Upstream` middleware: retries with exponential backoff (never for a shed `503`, and
    /// only for requests its retry policy allows — by default idempotent methods).
    ///
    /// ```swift
    /// let upstream = Scenario.UpstreamOptions(retries: 2, backoff: .milliseconds(20))
    /// ```
    public struct UpstreamOptions: Sendable, Hashable, Codable {
        /// Retries after the first attempt.
        public var retries: Int?
        /// The first retry's backoff; it doubles each retry.
        public var backoff: Duration?

        /// Creates options.
        public init(retries: Int? = nil, backoff: Duration? = nil) {
            self.retries = retries
            self.backoff = backoff
        }

        private enum CodingKeys: String, CodingKey, CaseIterable { case retries, backoff }

        /// Decodes `{retries, backoff}`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            retries = try container.decodeOptional(.retries)
            backoff = try container.decodeDurationIfPresent(.backoff)
        }

        /// Encodes the fields that are set.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(retries, forKey: .retries)
            try container.encodeDurationIfPresent(backoff, forKey: .backoff)
        }
    }
}
