import ParapetCore
extension Scenario {
    /// What a run must show; each is checked after the run and reported as passed or failed with a message.
    /// `stack` names the stack an expectation is about; it may be left out when the scenario has one stack.
    ///
    /// ```yaml
    /// expect:
    ///   - successRatio: {stack: breaker, atLeast: 0.99, from: 40s}
    ///   - latency: {stack: hedged, percentile: 99, atMost: 120ms}
    ///   - noTraffic: {stack: breaker, target: c, while: open}
    ///   - noTraffic: {stack: health, target: c, from: 25s, to: 50s}
    ///   - allDown: {stack: breaker, policy: shed, atLeast: 0.8}
    ///   - maxInFlight: {stack: bulkhead, target: c, atMost: 10}
    ///   - better: {stack: breaker, than: round-robin, metric: successRatio, by: 0.05}
    ///   - originRequests: {stack: cached, atLeast: 1, atMost: 1}
    ///   - staleAnswers: {stack: cached, atLeast: 100}
    ///   - servedAfterPurge: {stack: cached, atMost: 0}
    ///   - cacheBytes: {stack: cached, at: 95s, atMost: 0}
    /// ```
    ///
    /// ```swift
    /// let expectations: [Scenario.Expectation] = [
    ///     .successRatio(atLeast: 0.99, window: TimeWindow(from: .seconds(40))),
    ///     .better(stack: "breaker", than: "round-robin", metric: .successRatio, by: 0.05),
    /// ]
    /// ```
    public enum Expectation: Sendable, Hashable, Codable {
        /// The share of requests (arriving in `window`) answered 2xx/3xx is at least `atLeast`.
        case successRatio(atLeast: Double, window: TimeWindow = .whole, stack: String? = nil)
        /// The `percentile` of client latency (requests arriving in `window`) is at most `atMost`.
        case latency(percentile: Double, atMost: Duration, window: TimeWindow = .whole, stack: String? = nil)
        /// `target` receives no request (probes aside) during `window`.
        case noTraffic(target: String, window: TimeWindow = .whole, stack: String? = nil)
        /// `target` (every target if `nil`) receives no request while a balancer or the health check has it
        /// open: a tripped circuit (until it goes half-open), an ejection (until its cooldown — which expires
        /// silently — runs out) or a health-check down mark.
        case noTrafficWhileOpen(target: String? = nil, stack: String? = nil)
        /// While every target is out (dead, black-holed, failing every request, flapping down or unready), the
        /// stack sheds (`503` with no target contacted) or fails open (routes anyway) — for at least `atLeast`
        /// of its attempts (default 0.9 for shedding, 1 for failing open).
        case allDown(AllDownPolicy, atLeast: Double? = nil, stack: String? = nil)
        /// At most `atMost` attempts are in flight at once to `target` (to each target if `nil`).
        case maxInFlight(atMost: Int, target: String? = nil, stack: String? = nil)
        /// `stack` beats `than` on `metric` (in `window`) by at least `by`: an absolute margin for the success
        /// ratio, a relative one (0.2 = 20 % lower) for latency percentiles and backend attempts.
        case better(stack: String, than: String, metric: ComparisonMetric, by: Double = 0, window: TimeWindow = .whole)
        /// A cached stack's `count` over the whole run is at least `atLeast` and at most `atMost` (at least
        /// one of them given).
        case cacheCount(CacheCount, atLeast: Int? = nil, atMost: Int? = nil, stack: String? = nil)
        /// A cached stack's store holds at least `atLeast` and at most `atMost` (at least one of them given)
        /// of `measure` at virtual instant `at` (sampled then, whatever else happens at that instant).
        case cacheMemory(CacheMemoryMeasure, at: Duration, atLeast: Int? = nil, atMost: Int? = nil, stack: String? = nil)

        static let tags = ["successRatio", "latency", "noTraffic", "allDown", "maxInFlight", "better"]
            + CacheCount.allCases.map(\.rawValue) + CacheMemoryMeasure.allCases.map(\.rawValue)

        private enum SuccessKeys: String, CodingKey, CaseIterable { case stack, atLeast, from, to }
        private enum LatencyKeys: String, CodingKey, CaseIterable { case stack, percentile, atMost, from, to }
        private enum NoTrafficKeys: String, CodingKey, CaseIterable { case stack, target, from, to, `while` }
        private enum AllDownKeys: String, CodingKey, CaseIterable { case stack, policy, atLeast }
        private enum InFlightKeys: String, CodingKey, CaseIterable { case stack, target, atMost }
        private enum BetterKeys: String, CodingKey, CaseIterable { case stack, than, metric, by, from, to }
        private enum CountKeys: String, CodingKey, CaseIterable { case stack, atLeast, atMost }
        private enum MemoryKeys: String, CodingKey, CaseIterable { case stack, at, atLeast, atMost }
        private enum WindowKeys: String, CodingKey { case from, to }

        /// The stack this expectation is about, if it names one (`better` names two: `stack` and `than`).
        public var stack: String? {
            switch self {
            case .successRatio(_, _, let stack), .latency(_, _, _, let stack), .noTraffic(_, _, let stack),
                .noTrafficWhileOpen(_, let stack), .allDown(_, _, let stack), .maxInFlight(_, _, let stack),
                .cacheCount(_, _, _, let stack), .cacheMemory(_, _, _, _, let stack):
                stack
            case .better(let stack, _, _, _, _):
                stack
            }
        }

        /// Decodes a single-key mapping naming the expectation.
        public init(from decoder: any Decoder) throws {
            let tagged = try TaggedValue.read(from: decoder, what: "expectation", tags: Self.tags)
            guard let outer = tagged.container else {
                throw ScenarioProblem(path: tagged.path, kind: .wrongType, message: "expectation \(tagged.tag) needs parameters")
            }
            let key = NameKey(tagged.tag)
            func window<Keys: CodingKey>(_ container: KeyedDecodingContainer<Keys>) throws -> TimeWindow {
                _ = container
                return try outer.decode(TimeWindow.self, forKey: key)
            }
            if let count = CacheCount(rawValue: tagged.tag) {
                let values = try outer.nestedContainer(keyedBy: CountKeys.self, forKey: key)
                self = .cacheCount(
                    count, atLeast: try values.decodeOptional(.atLeast), atMost: try values.decodeOptional(.atMost),
                    stack: try values.decodeOptional(.stack))
                return
            }
            if let measure = CacheMemoryMeasure(rawValue: tagged.tag) {
                let values = try outer.nestedContainer(keyedBy: MemoryKeys.self, forKey: key)
                self = .cacheMemory(
                    measure, at: try values.decodeDuration(.at), atLeast: try values.decodeOptional(.atLeast),
                    atMost: try values.decodeOptional(.atMost), stack: try values.decodeOptional(.stack))
                return
            }
            switch tagged.tag {
            case "successRatio":
                let values = try outer.nestedContainer(keyedBy: SuccessKeys.self, forKey: key)
                self = .successRatio(
                    atLeast: try values.decode(Double.self, forKey: .atLeast), window: try window(values),
                    stack: try values.decodeOptional(.stack))
            case "latency":
                let values = try outer.nestedContainer(keyedBy: LatencyKeys.self, forKey: key)
                self = .latency(
                    percentile: try values.decode(Double.self, forKey: .percentile), atMost: try values.decodeDuration(.atMost),
                    window: try window(values), stack: try values.decodeOptional(.stack))
            case "noTraffic":
                let values = try outer.nestedContainer(keyedBy: NoTrafficKeys.self, forKey: key)
                let stack: String? = try values.decodeOptional(.stack)
                if let condition: String = try values.decodeOptional(.while) {
                    guard condition == "open" else {
                        throw values.problem(.while, .invalidValue, "invalid value for \(values.path(.while).fieldName): \"\(condition)\" (expected open)")
                    }
                    if values.contains(.from) || values.contains(.to) {
                        throw values.problem(.while, .invalidValue, "noTraffic takes either while: open or a from/to window, not both")
                    }
                    self = .noTrafficWhileOpen(target: try values.decodeOptional(.target), stack: stack)
                } else {
                    self = .noTraffic(target: try values.decode(String.self, forKey: .target), window: try window(values), stack: stack)
                }
            case "allDown":
                let values = try outer.nestedContainer(keyedBy: AllDownKeys.self, forKey: key)
                self = .allDown(
                    try values.decode(AllDownPolicy.self, forKey: .policy), atLeast: try values.decodeOptional(.atLeast),
                    stack: try values.decodeOptional(.stack))
            case "maxInFlight":
                let values = try outer.nestedContainer(keyedBy: InFlightKeys.self, forKey: key)
                self = .maxInFlight(
                    atMost: try values.decode(Int.self, forKey: .atMost), target: try values.decodeOptional(.target),
                    stack: try values.decodeOptional(.stack))
            default:
                let values = try outer.nestedContainer(keyedBy: BetterKeys.self, forKey: key)
                self = .better(
                    stack: try values.decode(String.self, forKey: .stack), than: try values.decode(String.self, forKey: .than),
                    metric: try values.decode(ComparisonMetric.self, forKey: .metric), by: try values.decodeValue(.by, default: 0.0),
                    window: try window(values))
            }
        }

        /// Encodes a single-key mapping, as decoded.
        public func encode(to encoder: any Encoder) throws {
            var outer = encoder.container(keyedBy: NameKey.self)
            func encodeWindow<Keys: CodingKey>(_ window: TimeWindow, into values: inout KeyedEncodingContainer<Keys>, from: Keys, to: Keys) throws {
                if window.from != .zero { try values.encodeDuration(window.from, forKey: from) }
                try values.encodeDurationIfPresent(window.to, forKey: to)
            }
            switch self {
            case .successRatio(let atLeast, let window, let stack):
                var values = outer.nestedContainer(keyedBy: SuccessKeys.self, forKey: NameKey("successRatio"))
                try values.encodeIfPresent(stack, forKey: .stack)
                try values.encode(atLeast, forKey: .atLeast)
                try encodeWindow(window, into: &values, from: .from, to: .to)
            case .latency(let percentile, let atMost, let window, let stack):
                var values = outer.nestedContainer(keyedBy: LatencyKeys.self, forKey: NameKey("latency"))
                try values.encodeIfPresent(stack, forKey: .stack)
                try values.encode(percentile, forKey: .percentile)
                try values.encodeDuration(atMost, forKey: .atMost)
                try encodeWindow(window, into: &values, from: .from, to: .to)
            case .noTraffic(let target, let window, let stack):
                var values = outer.nestedContainer(keyedBy: NoTrafficKeys.self, forKey: NameKey("noTraffic"))
                try values.encodeIfPresent(stack, forKey: .stack)
                try values.encode(target, forKey: .target)
                try encodeWindow(window, into: &values, from: .from, to: .to)
            case .noTrafficWhileOpen(let target, let stack):
                var values = outer.nestedContainer(keyedBy: NoTrafficKeys.self, forKey: NameKey("noTraffic"))
                try values.encodeIfPresent(stack, forKey: .stack)
                try values.encodeIfPresent(target, forKey: .target)
                try values.encode("open", forKey: .while)
            case .allDown(let policy, let atLeast, let stack):
                var values = outer.nestedContainer(keyedBy: AllDownKeys.self, forKey: NameKey("allDown"))
                try values.encodeIfPresent(stack, forKey: .stack)
                try values.encode(policy, forKey: .policy)
                try values.encodeIfPresent(atLeast, forKey: .atLeast)
            case .maxInFlight(let atMost, let target, let stack):
                var values = outer.nestedContainer(keyedBy: InFlightKeys.self, forKey: NameKey("maxInFlight"))
                try values.encodeIfPresent(stack, forKey: .stack)
                try values.encodeIfPresent(target, forKey: .target)
                try values.encode(atMost, forKey: .atMost)
            case .better(let stack, let than, let metric, let by, let window):
                var values = outer.nestedContainer(keyedBy: BetterKeys.self, forKey: NameKey("better"))
                try values.encode(stack, forKey: .stack)
                try values.encode(than, forKey: .than)
                try values.encode(metric, forKey: .metric)
                try values.encode(by, forKey: .by)
                try encodeWindow(window, into: &values, from: .from, to: .to)
            case .cacheCount(let count, let atLeast, let atMost, let stack):
                var values = outer.nestedContainer(keyedBy: CountKeys.self, forKey: NameKey(count.rawValue))
                try values.encodeIfPresent(stack, forKey: .stack)
                try values.encodeIfPresent(atLeast, forKey: .atLeast)
                try values.encodeIfPresent(atMost, forKey: .atMost)
            case .cacheMemory(let measure, let at, let atLeast, let atMost, let stack):
                var values = outer.nestedContainer(keyedBy: MemoryKeys.self, forKey: NameKey(measure.rawValue))
                try values.encodeIfPresent(stack, forKey: .stack)
                try values.encodeDuration(at, forKey: .at)
                try values.encodeIfPresent(atLeast, forKey: .atLeast)
                try values.encodeIfPresent(atMost, forKey: .atMost)
            }
        }
    }
}

/// What a stack does while every target is out.
///
/// ```swift
/// let expectation = Scenario.Expectation.allDown(.shed)
/// ```
public enum AllDownPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Answer `503` without contacting a target (the circuit breaker, a saturated bulkhead).
    case shed
    /// Route best-effort anyway (round-robin, ejecting, latency ejection).
    case failOpen = "fail-open"

    /// Decodes `shed` or `fail-open`.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let policy = AllDownPolicy(rawValue: name) else {
            let path = ScenarioPath(codingPath: decoder.codingPath)
            throw ScenarioProblem(
                path: path, kind: .invalidValue,
                message: "invalid value for \(path.fieldName): \"\(name)\" (expected one of: shed, fail-open)")
        }
        self = policy
    }
}

/// A metric two stacks are compared on by ``Scenario/Expectation/better(stack:than:metric:by:window:)``.
///
/// ```swift
/// let metric = ComparisonMetric.p99
/// ```
public enum ComparisonMetric: String, Sendable, Hashable, Codable, CaseIterable {
    /// The share of requests answered 2xx/3xx; higher is better.
    case successRatio
    /// Median client latency; lower is better.
    case p50
    /// 90th percentile client latency; lower is better.
    case p90
    /// 99th percentile client latency; lower is better.
    case p99
    /// 99.9th percentile client latency; lower is better.
    case p999
    /// Attempts that reached any backend (load on the origin); lower is better.
    case backendAttempts

    /// Decodes the metric's name.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let metric = ComparisonMetric(rawValue: name) else {
            let path = ScenarioPath(codingPath: decoder.codingPath)
            throw ScenarioProblem(
                path: path, kind: .invalidValue,
                message: "invalid value for \(path.fieldName): \"\(name)\" (expected one of: "
                    + Self.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        self = metric
    }
}

/// What a cached stack counted over a run, for ``Scenario/Expectation/cacheCount(_:atLeast:atMost:stack:)``
/// (``CacheReport/count(_:)`` reads it from a report); its name is the expectation's in a scenario file.
///
/// ```yaml
/// - originRequests: {stack: cached, atMost: 1}
/// ```
public enum CacheCount: String, Sendable, Hashable, Codable, CaseIterable {
    /// Requests the cache sent to its origin, background revalidations included.
    case originRequests
    /// Answers served fresh from the cache.
    case cacheHits
    /// Answers that asked the origin because nothing was stored.
    case cacheMisses
    /// Answers served stale, for any reason.
    case staleAnswers
    /// Answers taken from another request's origin response.
    case collapsedAnswers
    /// Answers whose response had come from the origin before a purge covering it that the request came
    /// after — what a purge promises never happens (a stack whose scenario purges).
    case servedAfterPurge
}

/// What a cached stack's store holds at an instant, for
/// ``Scenario/Expectation/cacheMemory(_:at:atLeast:atMost:stack:)``; its name is the expectation's in a
/// scenario file. Sampled for a stack whose scenario purges or whose cache has a reaper.
///
/// ```yaml
/// - cacheBytes: {stack: reaped, at: 95s, atMost: 0}
/// ```
public enum CacheMemoryMeasure: String, Sendable, Hashable, Codable, CaseIterable {
    /// `MemoryCacheStore.storedBytes`: the stored responses' cost in bytes.
    case cacheBytes
    /// `MemoryCacheStore.count`: the stored responses.
    case cacheEntries
}
