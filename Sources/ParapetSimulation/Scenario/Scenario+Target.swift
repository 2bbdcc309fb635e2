import ParapetCore
extension Scenario {
    /// One simulated backend of the pool: its address (`name`), how the balancers see it (weight, concurrency
    /// cap) and how it behaves at time zero.
    ///
    /// ```yaml
    /// targets:
    ///   - name: a
    ///     latency: {logNormal: {median: 20ms, sigma: 0.5}}
    ///   - name: b
    ///     weight: 2
    ///     maxConcurrent: 16
    ///     capacity: {concurrency: 8, queue: 32}
    ///     behaviour: {errors: {rate: 0.1}}
    ///     cacheControl: "max-age=60, stale-if-error=600"
    /// ```
    ///
    /// ```swift
    /// let target = Scenario.Target("a", latency: .fixed(.milliseconds(20)))
    /// ```
    public struct Target: Sendable, Hashable, Codable {
        /// The target's address, as the balancers and reports name it.
        public var name: String
        /// The weight `Target.weight` the balancers see (weighted round-robin, least-connections).
        public var weight: Int
        /// The `Target.maxConcurrent` cap least-connections enforces, if any.
        public var maxConcurrent: Int?
        /// The service-time distribution.
        public var latency: LatencyDistribution
        /// The behaviour at time zero.
        public var behaviour: BackendBehaviour
        /// The backend's finite capacity; `nil` for unlimited.
        public var capacity: BackendCapacity?
        /// The `Cache-Control` field of the target's `2xx` answers, for a stack's ``Scenario/Cache``; `nil`
        /// sends none. Failures never carry it, so that a cache never stores an outage's error.
        public var cacheControl: String?

        /// Creates a target; by default healthy, 10 ms, unlimited, without `Cache-Control`.
        public init(
            _ name: String,
            weight: Int = 1,
            maxConcurrent: Int? = nil,
            latency: LatencyDistribution = .fixed(.milliseconds(10)),
            behaviour: BackendBehaviour = .healthy,
            capacity: BackendCapacity? = nil,
            cacheControl: String? = nil
        ) {
            self.name = name
            self.weight = weight
            self.maxConcurrent = maxConcurrent
            self.latency = latency
            self.behaviour = behaviour
            self.capacity = capacity
            self.cacheControl = cacheControl
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case name, weight, maxConcurrent, latency, behaviour, capacity, cacheControl
        }

        /// Decodes a target mapping; only `name` is required.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            weight = try container.decodeValue(.weight, default: 1)
            maxConcurrent = try container.decodeOptional(.maxConcurrent)
            latency = try container.decodeValue(.latency, default: .fixed(.milliseconds(10)))
            behaviour = try container.decodeValue(.behaviour, default: .healthy)
            capacity = try container.decodeOptional(.capacity)
            cacheControl = try container.decodeOptional(.cacheControl)
        }

        /// Encodes every field that is set.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(weight, forKey: .weight)
            try container.encodeIfPresent(maxConcurrent, forKey: .maxConcurrent)
            try container.encode(latency, forKey: .latency)
            try container.encode(behaviour, forKey: .behaviour)
            try container.encodeIfPresent(capacity, forKey: .capacity)
            try container.encodeIfPresent(cacheControl, forKey: .cacheControl)
        }
    }

    /// One step of the outage timeline: at `at`, `target` changes behaviour, latency or capacity — or the
    /// wall clock steps (to model NTP), or the scenario's Redis server changes state.
    ///
    /// ```yaml
    /// timeline:
    ///   - {at: 30s, target: b, become: dead}
    ///   - {at: 90s, target: b, become: {coldStart: {warmup: 20s}}}
    ///   - {at: 60s, target: a, latency: 200ms}
    ///   - {at: 45s, wallClockStep: -2s}
    ///   - {at: 50s, redis: down}
    /// ```
    ///
    /// ```swift
    /// let outage = Scenario.TimelineEvent(at: .seconds(30), target: "b", become: .dead(after: .milliseconds(1)))
    /// ```
    public struct TimelineEvent: Sendable, Hashable, Codable {
        /// When the change happens, from the start of the run.
        public var at: Duration
        /// The target that changes; `nil` for a wall-clock step only.
        public var target: String?
        /// The target's new behaviour, if it changes.
        public var become: BackendBehaviour?
        /// The target's new latency distribution, if it changes.
        public var latency: LatencyDistribution?
        /// The target's new capacity, if it changes.
        public var capacity: BackendCapacity?
        /// How far the simulated wall clock steps (negative: backwards), if it does.
        public var wallClockStep: Duration?
        /// The state the scenario's Redis server moves to, if it changes: `down` (refusing; it comes back
        /// empty), `partitioned` (unreachable: calls time out) or `up`.
        public var redis: SimulatedRedis.State?

        /// Creates a timeline step.
        public init(
            at: Duration,
            target: String? = nil,
            become: BackendBehaviour? = nil,
            latency: LatencyDistribution? = nil,
            capacity: BackendCapacity? = nil,
            wallClockStep: Duration? = nil,
            redis: SimulatedRedis.State? = nil
        ) {
            self.at = at
            self.target = target
            self.become = become
            self.latency = latency
            self.capacity = capacity
            self.wallClockStep = wallClockStep
            self.redis = redis
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case at, target, become, latency, capacity, wallClockStep, redis
        }

        /// Decodes a timeline mapping.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            at = try container.decodeDuration(.at)
            target = try container.decodeOptional(.target)
            become = try container.decodeOptional(.become)
            latency = try container.decodeOptional(.latency)
            capacity = try container.decodeOptional(.capacity)
            wallClockStep = try container.decodeDurationIfPresent(.wallClockStep)
            if let name: String = try container.decodeOptional(.redis) {
                guard let state = SimulatedRedis.State.named.first(where: { $0.name == name })?.state else {
                    throw container.problem(
                        .redis, .unknownReference,
                        "unknown redis state \"\(name)\" (expected one of: up, down, partitioned)")
                }
                redis = state
            } else {
                redis = nil
            }
        }

        /// Encodes the fields that are set.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeDuration(at, forKey: .at)
            try container.encodeIfPresent(target, forKey: .target)
            try container.encodeIfPresent(become, forKey: .become)
            try container.encodeIfPresent(latency, forKey: .latency)
            try container.encodeIfPresent(capacity, forKey: .capacity)
            try container.encodeDurationIfPresent(wallClockStep, forKey: .wallClockStep)
            try container.encodeIfPresent(redis?.name, forKey: .redis)
        }
    }
}
