public import HTTPTypes
import ParapetCore

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
    public struct Options: Sendable {
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
        /// The transport probes go through; `nil` (the default) uses each target's own transport.
        public var probeTransport: (any Transport)?
        /// Whether a probe's outcome is healthy. Default ``ActiveHealthCheck/statusBelow400``.
        public var isHealthy: HealthClassifier
        /// Called after a gate flips: ``StateChangeReason/probeDown`` with the ``ProbeCause`` of the last
        /// failed probe, or ``StateChangeReason/probeRecover``. The starting state fires nothing.
        public var onStateChange: (@Sendable (StateChange) -> Void)?

        /// Creates options with the defaults of the Go original.
        public init(
            path: String = "/",
            method: HTTPRequest.Method = .get,
            scheme: String = "http",
            interval: Duration = .seconds(10),
            timeout: Duration = .seconds(5),
            healthyThreshold: Int = 1,
            unhealthyThreshold: Int = 3,
            startUnhealthy: Bool = false,
            probeTransport: (any Transport)? = nil,
            isHealthy: @escaping HealthClassifier = ActiveHealthCheck.statusBelow400,
            onStateChange: (@Sendable (StateChange) -> Void)? = nil
        ) {
            self.path = path
            self.method = method
            self.scheme = scheme
            self.interval = interval
            self.timeout = timeout
            self.healthyThreshold = healthyThreshold
            self.unhealthyThreshold = unhealthyThreshold
            self.startUnhealthy = startUnhealthy
            self.probeTransport = probeTransport
            self.isHealthy = isHealthy
            self.onStateChange = onStateChange
        }

        /// These options with the path normalised and the durations capped at `Int64.max` seconds, or every
        /// nonsensical value named.
        func validated() throws(ConfigurationError) -> Options {
            var check = ConfigurationCheck()
            check.positive(interval, "interval")
            check.positive(timeout, "timeout")
            check.atLeast(1, healthyThreshold, "healthyThreshold")
            check.atLeast(1, unhealthyThreshold, "unhealthyThreshold")
            try check.result()
            var options = self
            options.interval = min(interval, .longestDelay)
            options.timeout = min(timeout, .longestDelay)
            if !options.path.hasPrefix("/") {
                options.path = "/" + options.path
            }
            return options
        }
    }
}
