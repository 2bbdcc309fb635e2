import ParapetCore
extension Scenario {
    /// The traffic a run sends: open-loop Poisson arrivals at a rate (with bursts), a closed loop of clients
    /// with think time, replayed arrival times, or a spike of requests at one instant — each request's method
    /// and path drawn from `mix`.
    ///
    /// ```yaml
    /// workload:
    ///   rate: 200                      # open loop, requests per second
    ///   bursts: [{from: 60s, to: 90s, multiplier: 3}]
    ///   mix:
    ///     - {method: GET, path: /, weight: 9}
    ///     - {method: POST, path: /orders, weight: 1}
    ///     - {method: GET, path: /blog, weight: 2, to: 40s}   # only arrivals in [from, to)
    /// ```
    /// or `{clients: 50, thinkTime: 100ms}` for a closed loop, `{arrivals: [0s, 15ms, 40ms]}` for a replay, or
    /// `{spike: {requests: 10000, at: 1s}}` for a thundering herd.
    ///
    /// ```swift
    /// let workload = Scenario.Workload(arrivals: .poisson(rate: 200), mix: [.init(method: "GET", path: "/", weight: 1)])
    /// ```
    public struct Workload: Sendable, Hashable, Codable {
        /// How requests arrive.
        ///
        /// ```swift
        /// if case .poisson(let rate, _) = workload.arrivals { print("\(rate) req/s") }
        /// ```
        public enum Arrivals: Sendable, Hashable {
            /// Open loop: Poisson arrivals at `rate` per second, multiplied during each burst.
            case poisson(rate: Double, bursts: [Burst] = [])
            /// Closed loop: `clients` clients, each sending a request, waiting for the answer, then thinking.
            case closedLoop(clients: Int, thinkTime: LatencyDistribution)
            /// Requests at exactly these offsets from the start (a replayed trace).
            case replay([Duration])
            /// `requests` requests arriving together at `at`: a thundering herd.
            case spike(requests: Int, at: Duration)
        }

        /// The payload of `spike`.
        private struct Spike: Codable {
            var requests: Int
            var at: Duration

            private enum CodingKeys: String, CodingKey, CaseIterable { case requests, at }

            init(requests: Int, at: Duration) {
                self.requests = requests
                self.at = at
            }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                requests = try container.decode(Int.self, forKey: .requests)
                at = try container.decodeDurationIfPresent(.at) ?? .zero
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(requests, forKey: .requests)
                try container.encodeDuration(at, forKey: .at)
            }
        }

        /// A window during which the open-loop rate is multiplied.
        ///
        /// ```swift
        /// let burst = Scenario.Workload.Burst(from: .seconds(60), to: .seconds(90), multiplier: 3)
        /// ```
        public struct Burst: Sendable, Hashable, Codable {
            /// Start of the burst.
            public var from: Duration
            /// End of the burst (exclusive).
            public var to: Duration
            /// The rate multiplier (0 pauses traffic).
            public var multiplier: Double

            /// Creates a burst.
            public init(from: Duration, to: Duration, multiplier: Double) {
                self.from = from
                self.to = to
                self.multiplier = multiplier
            }

            private enum CodingKeys: String, CodingKey, CaseIterable { case from, to, multiplier }

            /// Decodes `{from, to, multiplier}`.
            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                from = try container.decodeDuration(.from)
                to = try container.decodeDuration(.to)
                multiplier = try container.decode(Double.self, forKey: .multiplier)
            }

            /// Encodes `{from, to, multiplier}`.
            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encodeDuration(from, forKey: .from)
                try container.encodeDuration(to, forKey: .to)
                try container.encode(multiplier, forKey: .multiplier)
            }
        }

        /// One kind of request in the mix, drawn with probability proportional to `weight`. Only `GET`, `HEAD`,
        /// `OPTIONS` and `TRACE` are retried by `Upstream` and hedged by `HedgingBalancer`.
        ///
        /// ```swift
        /// let order = Scenario.Workload.MixEntry(method: "POST", path: "/orders", weight: 1)
        /// ```
        public struct MixEntry: Sendable, Hashable, Codable {
            /// The HTTP method.
            public var method: String
            /// The request path.
            public var path: String
            /// The relative weight.
            public var weight: Int
            /// When the entry is drawn: an arrival outside it picks among the other entries, and one that
            /// falls outside every entry's window sends nothing. The whole run by default.
            public var active: TimeWindow

            /// Creates a mix entry.
            public init(method: String = "GET", path: String = "/", weight: Int = 1, active: TimeWindow = .whole) {
                self.method = method
                self.path = path
                self.weight = weight
                self.active = active
            }

            private enum CodingKeys: String, CodingKey, CaseIterable { case method, path, weight, from, to }

            /// Decodes `{method, path, weight, from, to}`, each optional.
            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                method = try container.decodeValue(.method, default: "GET")
                path = try container.decodeValue(.path, default: "/")
                weight = try container.decodeValue(.weight, default: 1)
                active = TimeWindow(
                    from: try container.decodeDurationIfPresent(.from) ?? .zero, to: try container.decodeDurationIfPresent(.to))
            }

            /// Encodes `{method, path, weight}` and the window's bounds that are set.
            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(method, forKey: .method)
                try container.encode(path, forKey: .path)
                try container.encode(weight, forKey: .weight)
                if active.from != .zero { try container.encodeDuration(active.from, forKey: .from) }
                try container.encodeDurationIfPresent(active.to, forKey: .to)
            }
        }

        /// How requests arrive.
        public var arrivals: Arrivals
        /// The request mix; one `GET /` when empty.
        public var mix: [MixEntry]

        /// Creates a workload.
        public init(arrivals: Arrivals, mix: [MixEntry] = [MixEntry()]) {
            self.arrivals = arrivals
            self.mix = mix
        }

        /// An open-loop Poisson workload of `GET /` at `rate` requests per second.
        public static func poisson(rate: Double, bursts: [Burst] = [], mix: [MixEntry] = [MixEntry()]) -> Workload {
            Workload(arrivals: .poisson(rate: rate, bursts: bursts), mix: mix)
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case rate, bursts, clients, thinkTime, arrivals, spike, mix
        }

        /// Decodes the flat workload mapping: exactly one of `rate`, `clients`, `arrivals` or `spike`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let kinds = [CodingKeys.rate, .clients, .arrivals, .spike].filter { container.contains($0) }
            let path = ScenarioPath(codingPath: decoder.codingPath)
            guard kinds.count == 1, let kind = kinds.first else {
                throw ScenarioProblem(
                    path: kinds.count > 1 ? path.appending(kinds[1].rawValue) : path,
                    kind: kinds.count > 1 ? .invalidValue : .missingField,
                    message: "\(path.containerName) needs exactly one of rate (open loop), clients (closed loop), "
                        + "arrivals (replay) or spike (requests at one instant)",
                    pointsAtKey: kinds.count > 1)
            }
            if kind != .rate, container.contains(.bursts) {
                throw container.problem(.bursts, .invalidValue, "bursts need an open-loop workload (rate)")
            }
            if kind != .clients, container.contains(.thinkTime) {
                throw container.problem(.thinkTime, .invalidValue, "thinkTime needs a closed-loop workload (clients)")
            }
            switch kind {
            case .rate:
                arrivals = .poisson(
                    rate: try container.decode(Double.self, forKey: .rate),
                    bursts: try container.decodeValue(.bursts, default: []))
            case .clients:
                arrivals = .closedLoop(
                    clients: try container.decode(Int.self, forKey: .clients),
                    thinkTime: try container.decodeValue(.thinkTime, default: .fixed(.zero)))
            case .spike:
                let spike = try container.decode(Spike.self, forKey: .spike)
                arrivals = .spike(requests: spike.requests, at: spike.at)
            default:
                arrivals = .replay(try container.decode([DurationValue].self, forKey: .arrivals).map(\.duration))
            }
            mix = try container.decodeValue(.mix, default: [MixEntry()])
        }

        /// Encodes the flat workload mapping.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch arrivals {
            case .poisson(let rate, let bursts):
                try container.encode(rate, forKey: .rate)
                if !bursts.isEmpty { try container.encode(bursts, forKey: .bursts) }
            case .closedLoop(let clients, let thinkTime):
                try container.encode(clients, forKey: .clients)
                try container.encode(thinkTime, forKey: .thinkTime)
            case .replay(let offsets):
                try container.encode(offsets.map(DurationValue.init), forKey: .arrivals)
            case .spike(let requests, let at):
                try container.encode(Spike(requests: requests, at: at), forKey: .spike)
            }
            try container.encode(mix, forKey: .mix)
        }
    }
}
