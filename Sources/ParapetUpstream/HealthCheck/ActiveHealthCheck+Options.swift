public import HTTPTypes
public import ParapetCore

extension ActiveHealthCheck {
    /// Decides whether a probe's outcome — the response head, or the error — is healthy.
    public typealias HealthClassifier = @Sendable (Result<HTTPResponse, any Error>) -> Bool

    /// The default ``HealthClassifier``: an answer with a status below 400.
    public static let statusBelow400: HealthClassifier = { outcome in
        if case .success(let head) = outcome { head.status.code < 400 } else { false }
    }

    /// What a probe sends, how often, and how its results move the health gate.
    ///
    /// ```swift
    /// let options = ActiveHealthCheck.Options(path: "/healthz", interval: .seconds(5), unhealthyThreshold: 2)
    /// ```
    public struct Options: PolicyBackedOptions, Sendable {
        /// What a probe sends, how often, and the thresholds; its fields read and write through the options
        /// too (`options.interval`).
        public var policy: Policy
        /// The transport probes go through; `nil` (the default) uses each target's own transport.
        public var probeTransport: (any Transport)?
        /// Whether a probe's outcome is healthy. Default ``ActiveHealthCheck/statusBelow400``.
        public var isHealthy: HealthClassifier
        /// Called after a gate flips: ``StateChangeReason/probeDown`` with the ``ProbeCause`` of the last
        /// failed probe, or ``StateChangeReason/probeRecover``. The starting state fires nothing.
        public var onStateChange: (@Sendable (StateChange) -> Void)?

        /// Creates options with the defaults of the Go original.
        public init(
            path: String = Policy().path,
            method: HTTPRequest.Method = Policy().method,
            scheme: String = Policy().scheme,
            interval: Duration = Policy().interval,
            timeout: Duration = Policy().timeout,
            healthyThreshold: Int = Policy().healthyThreshold,
            unhealthyThreshold: Int = Policy().unhealthyThreshold,
            startUnhealthy: Bool = Policy().startUnhealthy,
            probeTransport: (any Transport)? = nil,
            isHealthy: @escaping HealthClassifier = ActiveHealthCheck.statusBelow400,
            onStateChange: (@Sendable (StateChange) -> Void)? = nil
        ) {
            self.init(
                policy: Policy(
                    path: path, method: method, scheme: scheme, interval: interval, timeout: timeout,
                    healthyThreshold: healthyThreshold, unhealthyThreshold: unhealthyThreshold, startUnhealthy: startUnhealthy),
                probeTransport: probeTransport, isHealthy: isHealthy, onStateChange: onStateChange)
        }

        /// Creates options around `policy` — one decoded from a configuration file, say.
        public init(
            policy: Policy,
            probeTransport: (any Transport)? = nil,
            isHealthy: @escaping HealthClassifier = ActiveHealthCheck.statusBelow400,
            onStateChange: (@Sendable (StateChange) -> Void)? = nil
        ) {
            self.policy = policy
            self.probeTransport = probeTransport
            self.isHealthy = isHealthy
            self.onStateChange = onStateChange
        }
    }
}

extension ActiveHealthCheck.Options {
    /// The plain values of ``ActiveHealthCheck/Options``: what a probe sends, how often, and the thresholds.
    ///
    /// ```yaml
    /// {path: /healthz, interval: 2s, timeout: 1s, unhealthyThreshold: 2}
    /// ```
    public struct Policy: Sendable, Hashable, Codable, ValidatingPolicy {
        /// The probe's path; a leading `/` is added when missing. Default `/`.
        public var path: String
        /// The probe's method. Default `GET`.
        public var method: HTTPRequest.Method
        /// The probe's scheme, for transports that dispatch on it. Default `http`.
        public var scheme: String
        /// The time from one probe's start to the next for the same target; positive. Default 10 s.
        public var interval: Duration
        /// How long a probe — answer and drained body — may take before it fails as ``ProbeCause/timeout``;
        /// positive. Default 5 s.
        public var timeout: Duration
        /// Healthy probes in a row that bring a down target up; at least 1. Default 1.
        public var healthyThreshold: Int
        /// Failed probes in a row that take an up target down; at least 1. Default 3.
        public var unhealthyThreshold: Int
        /// Whether targets start down until their first healthy probe (fail closed). Default `false`, so
        /// that a misconfigured probe path cannot black-hole a fresh deploy.
        public var startUnhealthy: Bool

        /// Creates a policy; every field defaults to the Go original's value.
        public init(
            path: String = "/",
            method: HTTPRequest.Method = .get,
            scheme: String = "http",
            interval: Duration = .seconds(10),
            timeout: Duration = .seconds(5),
            healthyThreshold: Int = 1,
            unhealthyThreshold: Int = 3,
            startUnhealthy: Bool = false
        ) {
            self.path = path
            self.method = method
            self.scheme = scheme
            self.interval = interval
            self.timeout = timeout
            self.healthyThreshold = healthyThreshold
            self.unhealthyThreshold = unhealthyThreshold
            self.startUnhealthy = startUnhealthy
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case path, method, scheme, interval, timeout, healthyThreshold, unhealthyThreshold, startUnhealthy
        }

        /// Decodes the fields present; the others keep their defaults. The method is its name (`HEAD`).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Policy()
            path = try container.decodeIfPresent(String.self, forKey: .path) ?? defaults.path
            if let name = try container.decodeIfPresent(String.self, forKey: .method) {
                guard let method = HTTPRequest.Method(name) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .method, in: container, debugDescription: "\"\(name)\" is not an HTTP method")
                }
                self.method = method
            } else {
                method = defaults.method
            }
            scheme = try container.decodeIfPresent(String.self, forKey: .scheme) ?? defaults.scheme
            interval = try container.decodeDurationIfPresent(.interval) ?? defaults.interval
            timeout = try container.decodeDurationIfPresent(.timeout) ?? defaults.timeout
            healthyThreshold = try container.decodeIfPresent(Int.self, forKey: .healthyThreshold) ?? defaults.healthyThreshold
            unhealthyThreshold =
                try container.decodeIfPresent(Int.self, forKey: .unhealthyThreshold) ?? defaults.unhealthyThreshold
            startUnhealthy = try container.decodeIfPresent(Bool.self, forKey: .startUnhealthy) ?? defaults.startUnhealthy
        }

        /// Encodes every field, the method by its name.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(method.rawValue, forKey: .method)
            try container.encode(scheme, forKey: .scheme)
            try container.encodeDuration(interval, forKey: .interval)
            try container.encodeDuration(timeout, forKey: .timeout)
            try container.encode(healthyThreshold, forKey: .healthyThreshold)
            try container.encode(unhealthyThreshold, forKey: .unhealthyThreshold)
            try container.encode(startUnhealthy, forKey: .startUnhealthy)
        }

        /// This policy with the path normalised and the durations capped at `Int64.max` seconds, or every
        /// nonsensical value named.
        package func validated() throws(ConfigurationError) -> Policy {
            var check = ConfigurationCheck()
            check.positive(interval, "interval")
            check.positive(timeout, "timeout")
            check.atLeast(1, healthyThreshold, "healthyThreshold")
            check.atLeast(1, unhealthyThreshold, "unhealthyThreshold")
            try check.result()
            var policy = self
            policy.interval = min(interval, .longestDelay)
            policy.timeout = min(timeout, .longestDelay)
            if !policy.path.hasPrefix("/") {
                policy.path = "/" + policy.path
            }
            return policy
        }
    }
}
