import ParapetCore
public import ParapetRateLimit

extension Scenario {
    /// A global rate limit in front of a stack: the real `RateLimit` middleware with a shared fixed window
    /// (`RateLimit.Strategy.sharedFixedWindow`), counted in the scenario's ``SimulatedRedis`` — the stand-in
    /// for the Redis server that production instances share. Every simulated request comes from one client,
    /// so the limit is on the whole workload.
    ///
    /// ```yaml
    /// stacks:
    ///   - name: fail-open
    ///     rateLimit: {limit: 100, per: 1s}                      # failureMode: open by default
    ///     balancer: round-robin
    ///   - name: fail-closed
    ///     rateLimit: {limit: 100, per: 1s, failureMode: closed}
    ///     balancer: round-robin
    /// ```
    ///
    /// ```swift
    /// let stack = Scenario.Stack(name: "fail-open", balancer: .roundRobin, rateLimit: .init(limit: 100))
    /// ```
    public struct RateLimit: Sendable, Hashable, Codable {
        /// Requests admitted per window; at least 1.
        public var limit: Int
        /// The window, aligned to the Unix epoch; at least one second.
        public var per: Duration
        /// What the limiter decides when Redis does not answer.
        public var failureMode: SharedFixedWindowCounter.FailureMode

        /// Creates a limit of `limit` requests `per` window, failing open by default.
        public init(limit: Int, per: Duration = .seconds(1), failureMode: SharedFixedWindowCounter.FailureMode = .open) {
            self.limit = limit
            self.per = per
            self.failureMode = failureMode
        }

        /// The failure modes a scenario file names.
        static let failureModes: [(name: String, mode: SharedFixedWindowCounter.FailureMode)] = [
            ("open", .open), ("closed", .closed),
        ]

        private enum CodingKeys: String, CodingKey, CaseIterable { case limit, per, failureMode }

        /// Decodes `{limit, per, failureMode}`; only `limit` is required.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            limit = try container.decode(Int.self, forKey: .limit)
            per = try container.decodeDurationIfPresent(.per) ?? .seconds(1)
            let name = try container.decodeValue(.failureMode, default: "open")
            guard let mode = Self.failureModes.first(where: { $0.name == name })?.mode else {
                throw container.problem(
                    .failureMode, .unknownReference,
                    "unknown failure mode \"\(name)\" (expected one of: "
                        + Self.failureModes.map(\.name).joined(separator: ", ") + ")")
            }
            failureMode = mode
        }

        /// Encodes every field.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(limit, forKey: .limit)
            try container.encodeDuration(per, forKey: .per)
            try container.encode(failureMode.name, forKey: .failureMode)
        }
    }

    /// The scenario's Redis server, shared by the rate limits of its stacks (each stack's run has its own
    /// instance, from the same seed). Change its state at an instant with a timeline step
    /// (``TimelineEvent/redis``).
    ///
    /// ```yaml
    /// redis: {latency: {uniform: {min: 300us, max: 2ms}}, timeout: 100ms}
    /// timeline:
    ///   - {at: 20s, redis: down}
    ///   - {at: 40s, redis: up}
    /// ```
    public struct Redis: Sendable, Hashable, Codable {
        /// The round trip of one call.
        public var latency: LatencyDistribution
        /// The client's budget per call: keep it equal to the production client's (100 ms by default).
        public var timeout: Duration

        /// Creates a server description; the defaults are ``SimulatedRedis``'s.
        public init(latency: LatencyDistribution = SimulatedRedis.defaultLatency, timeout: Duration = SimulatedRedis.defaultTimeout) {
            self.latency = latency
            self.timeout = timeout
        }

        private enum CodingKeys: String, CodingKey, CaseIterable { case latency, timeout }

        /// Decodes `{latency, timeout}`, both optional.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            latency = try container.decodeValue(.latency, default: SimulatedRedis.defaultLatency)
            timeout = try container.decodeDurationIfPresent(.timeout) ?? SimulatedRedis.defaultTimeout
        }

        /// Encodes both fields.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(latency, forKey: .latency)
            try container.encodeDuration(timeout, forKey: .timeout)
        }
    }
}

extension SimulatedRedis.State {
    /// The states a scenario file names, in the order its errors list them.
    static let named: [(name: String, state: SimulatedRedis.State)] = [("up", .up), ("down", .down), ("partitioned", .partitioned)]

    /// `up`, `down` or `partitioned`, as a scenario file writes it.
    var name: String {
        switch self {
        case .up: "up"
        case .down: "down"
        case .partitioned: "partitioned"
        }
    }
}

extension SharedFixedWindowCounter.FailureMode {
    /// `open` or `closed`, as a scenario file writes it.
    var name: String {
        switch self {
        case .open: "open"
        case .closed: "closed"
        }
    }
}
