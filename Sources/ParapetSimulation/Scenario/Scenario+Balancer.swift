public import ParapetUpstream

extension Scenario {
    /// The balancer at the bottom of a stack — one of `ParapetUpstream`'s real balancers — with its options:
    /// the balancer's own ``ParapetUpstream/EjectingBalancer/Options/Policy`` (and the like), decoded from the
    /// same mapping, so a field left out takes the real default and a bad value is refused by the real check.
    ///
    /// ```yaml
    /// balancer: round-robin
    /// balancer: {type: circuit-breaker, failureThreshold: 3, openTimeout: 5s, failOn5xx: true}
    /// ```
    ///
    /// ```swift
    /// let breaker = Scenario.Balancer.circuitBreaker(.init(failureThreshold: 3, openTimeout: .seconds(5)))
    /// ```
    public enum Balancer: Sendable, Hashable, Codable {
        /// `RoundRobinBalancer`.
        case roundRobin
        /// `WeightedRoundRobinBalancer`, by each target's `weight`.
        case weightedRoundRobin
        /// `LeastConnectionsBalancer`, honouring each target's `maxConcurrent` (the bulkhead).
        case leastConnections
        /// `EjectingBalancer`; with `failOn5xx` a `5xx` answer counts as a failure, as a transport failure
        /// always does.
        case ejecting(EjectingBalancer.Options.Policy, failOn5xx: Bool = false)
        /// `CircuitBreakerBalancer`; with `failOn5xx` a `5xx` answer counts as a failure, as a transport
        /// failure always does.
        case circuitBreaker(CircuitBreakerBalancer.Options.Policy, failOn5xx: Bool = false)
        /// `LatencyEjectingBalancer`.
        case latencyEjecting(LatencyEjectingBalancer.Options.Policy)

        /// The balancer type names a scenario file accepts.
        public static let typeNames = [
            "round-robin", "weighted-round-robin", "least-connections", "ejecting", "circuit-breaker", "latency-ejecting",
        ]

        /// This balancer's type name, as a scenario file writes it.
        public var typeName: String {
            switch self {
            case .roundRobin: "round-robin"
            case .weightedRoundRobin: "weighted-round-robin"
            case .leastConnections: "least-connections"
            case .ejecting: "ejecting"
            case .circuitBreaker: "circuit-breaker"
            case .latencyEjecting: "latency-ejecting"
            }
        }

        private enum TypeOnlyKeys: String, CodingKey, CaseIterable { case type }
        private enum ScenarioKeys: String, CodingKey { case type, failOn5xx }

        /// Decodes a bare type name or a mapping with `type`, `failOn5xx` where it applies, and the fields of
        /// that balancer's policy.
        public init(from decoder: any Decoder) throws {
            let path = ScenarioPath(codingPath: decoder.codingPath)
            let name: String
            let container: KeyedDecodingContainer<ScenarioKeys>?
            if let single = try? decoder.singleValueContainer(), let bare = try? single.decode(String.self) {
                name = bare
                container = nil
            } else {
                let keyed = try decoder.container(keyedBy: ScenarioKeys.self)
                name = try keyed.decode(String.self, forKey: .type)
                container = keyed
            }
            guard Self.typeNames.contains(name) else {
                throw ScenarioProblem(
                    path: container == nil ? path : path.appending("type"), kind: .unknownReference,
                    message: "unknown balancer \"\(name)\" (expected one of: " + Self.typeNames.joined(separator: ", ") + ")")
            }
            let failOn5xx = try container?.decodeValue(.failOn5xx, default: false) ?? false
            func policy<Policy: Decodable>(_ type: Policy.Type, besides keys: [String]) throws -> Policy {
                guard container != nil else { return try Policy(from: decoder.emptyMapping(at: decoder.codingPath)) }
                return try Policy(from: decoder.excluding(keys))
            }
            switch name {
            case "round-robin", "weighted-round-robin", "least-connections":
                if container != nil { _ = try decoder.container(keyedBy: TypeOnlyKeys.self) }  // rejects options it has not
                self = name == "round-robin" ? .roundRobin : name == "least-connections" ? .leastConnections : .weightedRoundRobin
            case "ejecting":
                self = .ejecting(try policy(EjectingBalancer.Options.Policy.self, besides: ["type", "failOn5xx"]), failOn5xx: failOn5xx)
            case "circuit-breaker":
                self = .circuitBreaker(
                    try policy(CircuitBreakerBalancer.Options.Policy.self, besides: ["type", "failOn5xx"]), failOn5xx: failOn5xx)
            default:
                self = .latencyEjecting(try policy(LatencyEjectingBalancer.Options.Policy.self, besides: ["type"]))
            }
        }

        /// Encodes a mapping with `type`, `failOn5xx` where it applies, and the policy's fields.
        ///
        /// ```swift
        /// let json = try JSONEncoder().encode(Scenario.Balancer.roundRobin)  // {"type":"round-robin"}
        /// ```
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: ScenarioKeys.self)
            try container.encode(typeName, forKey: .type)
            switch self {
            case .roundRobin, .weightedRoundRobin, .leastConnections:
                break
            case .ejecting(let policy, let failOn5xx):
                try container.encode(failOn5xx, forKey: .failOn5xx)
                try policy.encode(to: encoder)
            case .circuitBreaker(let policy, let failOn5xx):
                try container.encode(failOn5xx, forKey: .failOn5xx)
                try policy.encode(to: encoder)
            case .latencyEjecting(let policy):
                try policy.encode(to: encoder)
            }
        }
    }
}
