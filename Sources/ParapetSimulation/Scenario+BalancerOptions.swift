extension Scenario {
    /// Options for `EjectingBalancer`; `nil` takes the real default.
    ///
    /// ```swift
    /// let options = Scenario.EjectingOptions(maxFails: 2, ejectTimeout: .seconds(10), failOn5xx: true)
    /// ```
    public struct EjectingOptions: Sendable, Hashable, Codable {
        /// Consecutive failures before ejection.
        public var maxFails: Int?
        /// The first ejection's length.
        public var ejectTimeout: Duration?
        /// The longest ejection.
        public var maxEjectTimeout: Duration?
        /// Whether a 5xx answer counts as a failure (by default only transport failures do).
        public var failOn5xx: Bool

        /// Creates options.
        public init(maxFails: Int? = nil, ejectTimeout: Duration? = nil, maxEjectTimeout: Duration? = nil, failOn5xx: Bool = false) {
            self.maxFails = maxFails
            self.ejectTimeout = ejectTimeout
            self.maxEjectTimeout = maxEjectTimeout
            self.failOn5xx = failOn5xx
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case type, maxFails, ejectTimeout, maxEjectTimeout, failOn5xx
        }

        /// Decodes the balancer mapping's options.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            maxFails = try container.decodeOptional(.maxFails)
            ejectTimeout = try container.decodeDurationIfPresent(.ejectTimeout)
            maxEjectTimeout = try container.decodeDurationIfPresent(.maxEjectTimeout)
            failOn5xx = try container.decodeValue(.failOn5xx, default: false)
        }

        /// Encodes `type: ejecting` and the options that are set.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("ejecting", forKey: .type)
            try container.encodeIfPresent(maxFails, forKey: .maxFails)
            try container.encodeDurationIfPresent(ejectTimeout, forKey: .ejectTimeout)
            try container.encodeDurationIfPresent(maxEjectTimeout, forKey: .maxEjectTimeout)
            try container.encode(failOn5xx, forKey: .failOn5xx)
        }
    }

    /// Options for `CircuitBreakerBalancer`; `nil` takes the real default.
    ///
    /// ```swift
    /// let options = Scenario.CircuitBreakerOptions(failureThreshold: 3, openTimeout: .seconds(5), failOn5xx: true)
    /// ```
    public struct CircuitBreakerOptions: Sendable, Hashable, Codable {
        /// Consecutive failures that trip a closed circuit.
        public var failureThreshold: Int?
        /// Probe successes that close a half-open circuit.
        public var successThreshold: Int?
        /// The first open period.
        public var openTimeout: Duration?
        /// The longest open period.
        public var maxOpenTimeout: Duration?
        /// How long a half-open probe may take before it counts as failed.
        public var probeTimeout: Duration?
        /// Probes admitted at once while half-open.
        public var halfOpenMaxProbes: Int?
        /// Whether a 5xx answer counts as a failure (by default only transport failures do).
        public var failOn5xx: Bool

        /// Creates options.
        public init(
            failureThreshold: Int? = nil, successThreshold: Int? = nil, openTimeout: Duration? = nil,
            maxOpenTimeout: Duration? = nil, probeTimeout: Duration? = nil, halfOpenMaxProbes: Int? = nil,
            failOn5xx: Bool = false
        ) {
            self.failureThreshold = failureThreshold
            self.successThreshold = successThreshold
            self.openTimeout = openTimeout
            self.maxOpenTimeout = maxOpenTimeout
            self.probeTimeout = probeTimeout
            self.halfOpenMaxProbes = halfOpenMaxProbes
            self.failOn5xx = failOn5xx
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case type, failureThreshold, successThreshold, openTimeout, maxOpenTimeout, probeTimeout, halfOpenMaxProbes,
                failOn5xx
        }

        /// Decodes the balancer mapping's options.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            failureThreshold = try container.decodeOptional(.failureThreshold)
            successThreshold = try container.decodeOptional(.successThreshold)
            openTimeout = try container.decodeDurationIfPresent(.openTimeout)
            maxOpenTimeout = try container.decodeDurationIfPresent(.maxOpenTimeout)
            probeTimeout = try container.decodeDurationIfPresent(.probeTimeout)
            halfOpenMaxProbes = try container.decodeOptional(.halfOpenMaxProbes)
            failOn5xx = try container.decodeValue(.failOn5xx, default: false)
        }

        /// Encodes `type: circuit-breaker` and the options that are set.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("circuit-breaker", forKey: .type)
            try container.encodeIfPresent(failureThreshold, forKey: .failureThreshold)
            try container.encodeIfPresent(successThreshold, forKey: .successThreshold)
            try container.encodeDurationIfPresent(openTimeout, forKey: .openTimeout)
            try container.encodeDurationIfPresent(maxOpenTimeout, forKey: .maxOpenTimeout)
            try container.encodeDurationIfPresent(probeTimeout, forKey: .probeTimeout)
            try container.encodeIfPresent(halfOpenMaxProbes, forKey: .halfOpenMaxProbes)
            try container.encode(failOn5xx, forKey: .failOn5xx)
        }
    }

    /// Options for `LatencyEjectingBalancer`; `nil` takes the real default.
    ///
    /// ```swift
    /// let options = Scenario.LatencyEjectingOptions(ejectionFactor: 3, minSamples: 20)
    /// ```
    public struct LatencyEjectingOptions: Sendable, Hashable, Codable {
        /// How many times slower than the pool median a target must be to be ejected.
        public var ejectionFactor: Double?
        /// Samples a target needs before it can be judged.
        public var minSamples: Int?
        /// Judged targets needed before anything is ejected.
        public var minHosts: Int?
        /// The latency average's half-life.
        public var halfLife: Duration?
        /// The smallest absolute excess over the median that ejects.
        public var minEjectDelta: Duration?
        /// The smallest average latency that ejects.
        public var minEjectLatency: Duration?
        /// The largest share of the pool ejected at once, in percent.
        public var maxEjectionPercent: Int?
        /// The share of the pool out, in percent, at which the balancer panics and routes to everything.
        public var panicThreshold: Int?
        /// The first ejection's length.
        public var ejectTimeout: Duration?
        /// The longest ejection.
        public var maxEjectTimeout: Duration?

        /// Creates options.
        public init(
            ejectionFactor: Double? = nil, minSamples: Int? = nil, minHosts: Int? = nil, halfLife: Duration? = nil,
            minEjectDelta: Duration? = nil, minEjectLatency: Duration? = nil, maxEjectionPercent: Int? = nil,
            panicThreshold: Int? = nil, ejectTimeout: Duration? = nil, maxEjectTimeout: Duration? = nil
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
            case type, ejectionFactor, minSamples, minHosts, halfLife, minEjectDelta, minEjectLatency, maxEjectionPercent,
                panicThreshold, ejectTimeout, maxEjectTimeout
        }

        /// Decodes the balancer mapping's options.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            ejectionFactor = try container.decodeOptional(.ejectionFactor)
            minSamples = try container.decodeOptional(.minSamples)
            minHosts = try container.decodeOptional(.minHosts)
            halfLife = try container.decodeDurationIfPresent(.halfLife)
            minEjectDelta = try container.decodeDurationIfPresent(.minEjectDelta)
            minEjectLatency = try container.decodeDurationIfPresent(.minEjectLatency)
            maxEjectionPercent = try container.decodeOptional(.maxEjectionPercent)
            panicThreshold = try container.decodeOptional(.panicThreshold)
            ejectTimeout = try container.decodeDurationIfPresent(.ejectTimeout)
            maxEjectTimeout = try container.decodeDurationIfPresent(.maxEjectTimeout)
        }

        /// Encodes `type: latency-ejecting` and the options that are set.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("latency-ejecting", forKey: .type)
            try container.encodeIfPresent(ejectionFactor, forKey: .ejectionFactor)
            try container.encodeIfPresent(minSamples, forKey: .minSamples)
            try container.encodeIfPresent(minHosts, forKey: .minHosts)
            try container.encodeDurationIfPresent(halfLife, forKey: .halfLife)
            try container.encodeDurationIfPresent(minEjectDelta, forKey: .minEjectDelta)
            try container.encodeDurationIfPresent(minEjectLatency, forKey: .minEjectLatency)
            try container.encodeIfPresent(maxEjectionPercent, forKey: .maxEjectionPercent)
            try container.encodeIfPresent(panicThreshold, forKey: .panicThreshold)
            try container.encodeDurationIfPresent(ejectTimeout, forKey: .ejectTimeout)
            try container.encodeDurationIfPresent(maxEjectTimeout, forKey: .maxEjectTimeout)
        }
    }
}
