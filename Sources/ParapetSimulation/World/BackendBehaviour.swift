import ParapetCore
/// What a simulated backend does with the requests it receives. A behaviour can change at any virtual
/// instant through the scenario's timeline.
///
/// In scenario files a behaviour without parameters is a bare name, one with parameters a mapping with one
/// key:
///
/// ```yaml
/// behaviour: healthy
/// behaviour: {errors: {rate: 0.3, answer: 500}}
/// behaviour: dead
/// behaviour: blackHole
/// behaviour: {flapping: {up: 20s, down: 10s, downAs: refused}}
/// behaviour: {gray: {slowdown: 10}}
/// behaviour: {coldStart: {warmup: 30s, unready: blackHole}}
/// ```
///
/// ```swift
/// let flaky = BackendBehaviour.errors(rate: 0.3, answer: .status(500))
/// ```
public enum BackendBehaviour: Sendable, Hashable, Codable {
    /// Answers `200` after a latency drawn from the target's distribution.
    case healthy
    /// Fails a fraction `rate` of requests with `answer`, answers the rest like ``healthy``.
    case errors(rate: Double, answer: FailureAnswer)
    /// Refuses every connection after `after` (the time a refusal takes to come back).
    case dead(after: Duration)
    /// Accepts requests and never answers: each hangs until the caller's timeout or cancellation.
    case blackHole
    /// Alternates: healthy for `up`, then failing with `downAs` for `down`, starting (up) when the behaviour
    /// takes effect.
    case flapping(up: Duration, down: Duration, downAs: FailureAnswer)
    /// A gray failure: answers `200`, but `slowdown` times slower than the target's latency distribution.
    case gray(slowdown: Double)
    /// Comes up cold: fails with `unready` for `warmup` after the behaviour takes effect, then is healthy.
    case coldStart(warmup: Duration, unready: FailureAnswer)
    /// Replays recorded answers — each an outcome with its latency — every answer once per cycle, in a
    /// stratified quasi-random order (the `i`-th draw takes the answer whose latency rank matches the `i`-th
    /// point of a golden-ratio sequence with a seeded offset), so that any number of draws reproduces the
    /// recorded latency percentiles and outcome mix closely (see ``RequestTrace``).
    case recorded([RecordedAnswer])

    /// Refused connections come back after this long unless a scenario says otherwise.
    public static let refusalLatency = Duration.milliseconds(1)

    static let tags = ["healthy", "errors", "dead", "blackHole", "flapping", "gray", "coldStart", "recorded"]

    private struct ErrorsPayload: Codable {
        var rate: Double
        var answer: FailureAnswer
        enum CodingKeys: String, CodingKey, CaseIterable { case rate, answer }
        init(rate: Double, answer: FailureAnswer) {
            self.rate = rate
            self.answer = answer
        }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            rate = try container.decode(Double.self, forKey: .rate)
            answer = try container.decodeValue(.answer, default: .status(500))
        }
    }

    private enum DeadKeys: String, CodingKey, CaseIterable { case after }
    private enum FlappingKeys: String, CodingKey, CaseIterable { case up, down, downAs }
    private enum GrayKeys: String, CodingKey, CaseIterable { case slowdown }
    private enum ColdStartKeys: String, CodingKey, CaseIterable { case warmup, unready }

    /// Decodes a bare name or a single-key mapping.
    public init(from decoder: any Decoder) throws {
        let tagged = try TaggedValue.read(from: decoder, what: "behaviour", tags: Self.tags)
        let key = NameKey(tagged.tag)
        let payloadPath = tagged.path.codingKeys + [key]
        func mapping<Keys: CodingKey>(_ keys: Keys.Type) throws -> KeyedDecodingContainer<Keys> {
            guard let container = tagged.container, tagged.hasPayload else {
                return try decoder.emptyMapping(at: payloadPath).container(keyedBy: keys)
            }
            return try container.nestedContainer(keyedBy: keys, forKey: key)
        }
        switch tagged.tag {
        case "healthy":
            self = .healthy
        case "errors":
            let payload = try tagged.payload(ErrorsPayload.self)
            self = .errors(rate: payload.rate, answer: payload.answer)
        case "dead":
            self = .dead(after: try mapping(DeadKeys.self).decodeDurationIfPresent(.after) ?? Self.refusalLatency)
        case "blackHole":
            self = .blackHole
        case "flapping":
            let values = try mapping(FlappingKeys.self)
            self = .flapping(
                up: try values.decodeDuration(.up), down: try values.decodeDuration(.down),
                downAs: try values.decodeValue(.downAs, default: .refused))
        case "gray":
            self = .gray(slowdown: try mapping(GrayKeys.self).decodeValue(.slowdown, default: 10.0))
        case "coldStart":
            let values = try mapping(ColdStartKeys.self)
            self = .coldStart(
                warmup: try values.decodeDuration(.warmup), unready: try values.decodeValue(.unready, default: .status(503)))
        default:
            self = .recorded(try tagged.payload([RecordedAnswer].self))
        }
    }

    /// Encodes a bare name or a single-key mapping, as decoded.
    ///
    /// ```swift
    /// let json = try JSONEncoder().encode(BackendBehaviour.blackHole)  // "blackHole"
    /// ```
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .healthy:
            try encodeTagged("healthy", to: encoder)
        case .errors(let rate, let answer):
            try encodeTagged("errors", ErrorsPayload(rate: rate, answer: answer), to: encoder)
        case .dead(let after):
            var outer = encoder.container(keyedBy: NameKey.self)
            var values = outer.nestedContainer(keyedBy: DeadKeys.self, forKey: NameKey("dead"))
            try values.encodeDuration(after, forKey: .after)
        case .blackHole:
            try encodeTagged("blackHole", to: encoder)
        case .flapping(let up, let down, let downAs):
            var outer = encoder.container(keyedBy: NameKey.self)
            var values = outer.nestedContainer(keyedBy: FlappingKeys.self, forKey: NameKey("flapping"))
            try values.encodeDuration(up, forKey: .up)
            try values.encodeDuration(down, forKey: .down)
            try values.encode(downAs, forKey: .downAs)
        case .gray(let slowdown):
            var outer = encoder.container(keyedBy: NameKey.self)
            var values = outer.nestedContainer(keyedBy: GrayKeys.self, forKey: NameKey("gray"))
            try values.encode(slowdown, forKey: .slowdown)
        case .coldStart(let warmup, let unready):
            var outer = encoder.container(keyedBy: NameKey.self)
            var values = outer.nestedContainer(keyedBy: ColdStartKeys.self, forKey: NameKey("coldStart"))
            try values.encodeDuration(warmup, forKey: .warmup)
            try values.encode(unready, forKey: .unready)
        case .recorded(let answers):
            try encodeTagged("recorded", answers, to: encoder)
        }
    }

    func problems(at path: ScenarioPath) -> [ScenarioProblem] {
        func invalid(_ field: String, _ message: String) -> ScenarioProblem {
            let fieldPath = path.appending(field)
            return ScenarioProblem(path: fieldPath, kind: .invalidValue, message: "invalid value for \(fieldPath.fieldName): \(message)")
        }
        switch self {
        case .healthy, .blackHole:
            return []
        case .errors(let rate, let answer):
            var problems = answer.problems(at: path.appending("errors").appending("answer"))
            if !(0...1).contains(rate) {
                problems.insert(
                    ScenarioProblem(
                        path: path.appending("errors").appending("rate"), kind: .invalidValue,
                        message: "invalid value for \"rate\" in \(path.appending("errors").containerName): must be between 0 and 1, got \(rate)"),
                    at: 0)
            }
            return problems
        case .dead(let after):
            return after < .zero ? [invalid("dead", "after must not be negative")] : []
        case .flapping(let up, let down, let downAs):
            var problems: [ScenarioProblem] = []
            if up <= .zero { problems.append(invalid("flapping", "up must be positive, got \(DurationText.format(up))")) }
            if down <= .zero { problems.append(invalid("flapping", "down must be positive, got \(DurationText.format(down))")) }
            return problems + downAs.problems(at: path.appending("flapping").appending("downAs"))
        case .gray(let slowdown):
            return slowdown.isFinite && slowdown > 0 && slowdown <= 1_000_000
                ? [] : [invalid("gray", "slowdown must be positive, got \(slowdown)")]
        case .coldStart(let warmup, let unready):
            return (warmup < .zero ? [invalid("coldStart", "warmup must not be negative, got \(DurationText.format(warmup))")] : [])
                + unready.problems(at: path.appending("coldStart").appending("unready"))
        case .recorded(let answers):
            if answers.isEmpty { return [invalid("recorded", "needs at least one answer")] }
            return answers.contains { $0.latency < .zero } ? [invalid("recorded", "latencies must not be negative")] : []
        }
    }
}

/// One recorded answer for ``BackendBehaviour/recorded(_:)``: what the backend did and how long it took.
///
/// ```swift
/// let answer = RecordedAnswer(outcome: .status(503), latency: .milliseconds(4))
/// ```
public struct RecordedAnswer: Sendable, Hashable, Codable {
    /// What the backend did: a status, a refusal, a reset, or silence (a timeout in the recording).
    public var outcome: FailureAnswer
    /// How long it took.
    public var latency: Duration

    /// Creates a recorded answer.
    public init(outcome: FailureAnswer, latency: Duration) {
        self.outcome = outcome
        self.latency = latency
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case outcome, latency }

    /// Decodes `{outcome, latency}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        outcome = try container.decode(FailureAnswer.self, forKey: .outcome)
        latency = try container.decodeDuration(.latency)
    }

    /// Encodes `{outcome, latency}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outcome, forKey: .outcome)
        try container.encodeDuration(latency, forKey: .latency)
    }
}
