import ParapetCore
/// How long a simulated backend takes to answer (or a simulated client thinks between requests).
///
/// Draws come from the backend's own named random stream, so the same seed gives the same latencies. In a
/// scenario file a bare duration is a fixed latency; the other shapes are a mapping with one key:
///
/// ```yaml
/// latency: 20ms
/// latency: {uniform: {min: 10ms, max: 30ms}}
/// latency: {normal: {mean: 20ms, stddev: 5ms}}
/// latency: {logNormal: {median: 20ms, sigma: 0.8}}
/// latency: {empirical: [12ms, 14ms, 15ms, 90ms]}
/// ```
///
/// ```swift
/// let tail = LatencyDistribution.logNormal(median: .milliseconds(20), sigma: 0.8)
/// ```
public enum LatencyDistribution: Sendable, Hashable, Codable {
    /// Always the same duration.
    case fixed(Duration)
    /// Uniform between `min` and `max`.
    case uniform(min: Duration, max: Duration)
    /// Normal (Gaussian), clamped at zero.
    case normal(mean: Duration, standardDeviation: Duration)
    /// Log-normal with the given median and shape `sigma` (the standard deviation of the log); p99 is about
    /// `median × e^(2.33 σ)`.
    case logNormal(median: Duration, sigma: Double)
    /// Drawn from recorded samples: every sample once per cycle, in a stratified order with a seeded random
    /// offset (see ``BackendBehaviour/recorded(_:)``), so any number of draws reproduces the distribution closely.
    case empirical([Duration])

    static let tags = ["fixed", "uniform", "normal", "logNormal", "empirical"]

    private enum UniformKeys: String, CodingKey, CaseIterable { case min, max }
    private enum NormalKeys: String, CodingKey, CaseIterable { case mean, stddev }
    private enum LogNormalKeys: String, CodingKey, CaseIterable { case median, sigma }
    private enum EmpiricalKeys: String, CodingKey, CaseIterable { case samples }

    /// Decodes a bare duration or a single-key mapping.
    public init(from decoder: any Decoder) throws {
        let path = ScenarioPath(codingPath: decoder.codingPath)
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            switch DurationText.parse(text) {
            case .success(let duration):
                self = .fixed(duration)
                return
            case .failure where Self.tags.contains(text):
                throw ScenarioProblem(path: path, kind: .wrongType, message: "\(text) in \(path.containerName) needs parameters")
            case .failure(let reason):
                throw ScenarioProblem(
                    path: path, kind: .invalidValue,
                    message: "invalid latency for \(path.fieldName): \(reason) (or a mapping with one of: "
                        + Self.tags.joined(separator: ", ") + ")")
            }
        }
        let tagged = try TaggedValue.read(from: decoder, what: "latency distribution", tags: Self.tags)
        guard let container = tagged.container else {
            throw ScenarioProblem(path: path, kind: .wrongType, message: "\(tagged.tag) in \(path.containerName) needs parameters")
        }
        let key = NameKey(tagged.tag)
        switch tagged.tag {
        case "fixed":
            self = .fixed(try container.decodeDuration(key))
        case "uniform":
            let values = try container.nestedContainer(keyedBy: UniformKeys.self, forKey: key)
            self = .uniform(min: try values.decodeDuration(.min), max: try values.decodeDuration(.max))
        case "normal":
            let values = try container.nestedContainer(keyedBy: NormalKeys.self, forKey: key)
            self = .normal(mean: try values.decodeDuration(.mean), standardDeviation: try values.decodeDuration(.stddev))
        case "logNormal":
            let values = try container.nestedContainer(keyedBy: LogNormalKeys.self, forKey: key)
            self = .logNormal(median: try values.decodeDuration(.median), sigma: try values.decode(Double.self, forKey: .sigma))
        default:
            let samples: [DurationValue]
            if let list = try? container.decode([DurationValue].self, forKey: key) {
                samples = list
            } else {
                let values = try container.nestedContainer(keyedBy: EmpiricalKeys.self, forKey: key)
                samples = try values.decode([DurationValue].self, forKey: .samples)
            }
            self = .empirical(samples.map(\.duration))
        }
    }

    /// Encodes a fixed latency as a bare duration, the others as a single-key mapping.
    ///
    /// ```swift
    /// let json = try JSONEncoder().encode(LatencyDistribution.fixed(.milliseconds(20)))  // "20ms"
    /// ```
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .fixed(let duration):
            var container = encoder.singleValueContainer()
            try container.encode(DurationText.format(duration))
        case .uniform(let min, let max):
            var outer = encoder.container(keyedBy: NameKey.self)
            var values = outer.nestedContainer(keyedBy: UniformKeys.self, forKey: NameKey("uniform"))
            try values.encodeDuration(min, forKey: .min)
            try values.encodeDuration(max, forKey: .max)
        case .normal(let mean, let deviation):
            var outer = encoder.container(keyedBy: NameKey.self)
            var values = outer.nestedContainer(keyedBy: NormalKeys.self, forKey: NameKey("normal"))
            try values.encodeDuration(mean, forKey: .mean)
            try values.encodeDuration(deviation, forKey: .stddev)
        case .logNormal(let median, let sigma):
            var outer = encoder.container(keyedBy: NameKey.self)
            var values = outer.nestedContainer(keyedBy: LogNormalKeys.self, forKey: NameKey("logNormal"))
            try values.encodeDuration(median, forKey: .median)
            try values.encode(sigma, forKey: .sigma)
        case .empirical(let samples):
            try encodeTagged("empirical", samples.map(DurationValue.init), to: encoder)
        }
    }

    /// The problems with this distribution's parameters, for validation.
    func problems(at path: ScenarioPath) -> [ScenarioProblem] {
        func invalid(_ field: String, _ message: String) -> ScenarioProblem {
            ScenarioProblem(path: path, kind: .invalidValue, message: "invalid latency at \(path.containerName): \(message)")
        }
        switch self {
        case .fixed(let duration):
            return duration < .zero ? [invalid("fixed", "must not be negative, got \(DurationText.format(duration))")] : []
        case .uniform(let min, let max):
            if min < .zero { return [invalid("min", "min must not be negative")] }
            return max < min ? [invalid("max", "max must not be below min")] : []
        case .normal(let mean, let deviation):
            return mean < .zero || deviation < .zero ? [invalid("mean", "mean and stddev must not be negative")] : []
        case .logNormal(let median, let sigma):
            if median <= .zero { return [invalid("median", "median must be positive")] }
            return sigma.isFinite && sigma >= 0 && sigma <= 10 ? [] : [invalid("sigma", "sigma must be between 0 and 10")]
        case .empirical(let samples):
            if samples.isEmpty { return [invalid("empirical", "needs at least one sample")] }
            return samples.contains { $0 < .zero } ? [invalid("empirical", "samples must not be negative")] : []
        }
    }
}

/// A duration coded as scenario text, for lists of durations.
struct DurationValue: Codable, Hashable, Sendable {
    var duration: Duration

    init(_ duration: Duration) {
        self.duration = duration
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let path = ScenarioPath(codingPath: decoder.codingPath)
        let text: String
        do {
            text = try container.decode(String.self)
        } catch let error as DecodingError {
            guard let seconds = try? container.decode(Double.self) else { throw error }
            guard let parsed = DurationText.duration(seconds: seconds) else {
                throw ScenarioProblem(
                    path: path, kind: .invalidValue,
                    message: "invalid duration for \(path.fieldName): \(seconds) seconds is out of range")
            }
            duration = parsed
            return
        }
        switch DurationText.parse(text) {
        case .success(let parsed): duration = parsed
        case .failure(let reason):
            throw ScenarioProblem(path: path, kind: .invalidValue, message: "invalid duration for \(path.fieldName): \(reason)")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(DurationText.format(duration))
    }
}
