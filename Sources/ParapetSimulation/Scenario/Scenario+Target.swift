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
    ///     cacheTags: [catalogue]
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
        /// The tags of the target's `2xx` answers, sent as one `Cache-Tag` field, for a timeline
        /// ``Scenario/Purge/tag(_:)``; empty sends none.
        public var cacheTags: [String]

        /// Creates a target; by default healthy, 10 ms, unlimited, without `Cache-Control` or `Cache-Tag`.
        public init(
            _ name: String,
            weight: Int = 1,
            maxConcurrent: Int? = nil,
            latency: LatencyDistribution = .fixed(.milliseconds(10)),
            behaviour: BackendBehaviour = .healthy,
            capacity: BackendCapacity? = nil,
            cacheControl: String? = nil,
            cacheTags: [String] = []
        ) {
            self.name = name
            self.weight = weight
            self.maxConcurrent = maxConcurrent
            self.latency = latency
            self.behaviour = behaviour
            self.capacity = capacity
            self.cacheControl = cacheControl
            self.cacheTags = cacheTags
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case name, weight, maxConcurrent, latency, behaviour, capacity, cacheControl, cacheTags
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
            cacheTags = try container.decodeValue(.cacheTags, default: [])
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
            if !cacheTags.isEmpty { try container.encode(cacheTags, forKey: .cacheTags) }
        }

        /// Whether `tag` can be one member of a `Cache-Tag` field the cache keeps: 1 to 256 bytes, no
        /// whitespace (which the cache trims) and no comma (which separates members).
        static func isTag(_ tag: String) -> Bool {
            !tag.isEmpty && tag.utf8.count <= 256 && !tag.contains(where: { $0.isWhitespace || $0 == "," })
        }
    }

    /// One step of the outage timeline: at `at`, `target` changes behaviour, latency or capacity — or the
    /// wall clock steps (to model NTP), or the scenario's Redis server changes state, or every cached stack
    /// purges.
    ///
    /// ```yaml
    /// timeline:
    ///   - {at: 30s, target: b, become: dead}
    ///   - {at: 90s, target: b, become: {coldStart: {warmup: 20s}}}
    ///   - {at: 60s, target: a, latency: 200ms}
    ///   - {at: 45s, wallClockStep: -2s}
    ///   - {at: 50s, redis: down}
    ///   - {at: 60s, purge: {prefix: /blog}}
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
        /// What every cached stack's purge table purges, if anything.
        public var purge: Purge?

        /// Creates a timeline step.
        public init(
            at: Duration,
            target: String? = nil,
            become: BackendBehaviour? = nil,
            latency: LatencyDistribution? = nil,
            capacity: BackendCapacity? = nil,
            wallClockStep: Duration? = nil,
            redis: SimulatedRedis.State? = nil,
            purge: Purge? = nil
        ) {
            self.at = at
            self.target = target
            self.become = become
            self.latency = latency
            self.capacity = capacity
            self.wallClockStep = wallClockStep
            self.redis = redis
            self.purge = purge
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case at, target, become, latency, capacity, wallClockStep, redis, purge
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
            purge = try container.decodeOptional(.purge)
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
            try container.encodeIfPresent(purge, forKey: .purge)
        }
    }
}
