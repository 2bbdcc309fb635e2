extension Scenario {
    /// The balancer at the bottom of a stack — one of `ParapetUpstream`'s real balancers — with its options.
    /// An option left `nil` takes the real type's default.
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
        /// `EjectingBalancer`.
        case ejecting(EjectingOptions)
        /// `CircuitBreakerBalancer`.
        case circuitBreaker(CircuitBreakerOptions)
        /// `LatencyEjectingBalancer`.
        case latencyEjecting(LatencyEjectingOptions)

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
        private enum TypeKey: String, CodingKey { case type }

        /// Decodes a bare type name or a mapping with `type` and that balancer's options.
        public init(from decoder: any Decoder) throws {
            let path = ScenarioPath(codingPath: decoder.codingPath)
            let name: String
            let isBare: Bool
            if let single = try? decoder.singleValueContainer(), let bare = try? single.decode(String.self) {
                name = bare
                isBare = true
            } else {
                let container = try decoder.container(keyedBy: TypeKey.self)
                name = try container.decode(String.self, forKey: .type)
                isBare = false
            }
            guard Self.typeNames.contains(name) else {
                throw ScenarioProblem(
                    path: isBare ? path : path.appending("type"), kind: .unknownReference,
                    message: "unknown balancer \"\(name)\" (expected one of: " + Self.typeNames.joined(separator: ", ") + ")")
            }
            func options<Options: Decodable>(_ type: Options.Type) throws -> Options {
                isBare ? try Options(from: decoder.emptyMapping(at: decoder.codingPath))
                    : try Options(from: decoder)
            }
            switch name {
            case "round-robin", "weighted-round-robin", "least-connections":
                if !isBare { _ = try decoder.container(keyedBy: TypeOnlyKeys.self) }  // rejects options it has not
                self = name == "round-robin" ? .roundRobin : name == "least-connections" ? .leastConnections : .weightedRoundRobin
            case "ejecting":
                self = .ejecting(try options(EjectingOptions.self))
            case "circuit-breaker":
                self = .circuitBreaker(try options(CircuitBreakerOptions.self))
            default:
                self = .latencyEjecting(try options(LatencyEjectingOptions.self))
            }
        }

        /// Encodes a mapping with `type` and the options that are set.
        ///
        /// ```swift
        /// let json = try JSONEncoder().encode(Scenario.Balancer.roundRobin)  // {"type":"round-robin"}
        /// ```
        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .roundRobin, .weightedRoundRobin, .leastConnections:
                var container = encoder.container(keyedBy: TypeOnlyKeys.self)
                try container.encode(typeName, forKey: .type)
            case .ejecting(let options): try options.encode(to: encoder)
            case .circuitBreaker(let options): try options.encode(to: encoder)
            case .latencyEjecting(let options): try options.encode(to: encoder)
            }
        }
    }
}
