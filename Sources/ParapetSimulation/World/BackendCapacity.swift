/// A simulated backend's finite capacity: `concurrency` requests in service at once, up to `queue` more
/// waiting in first-in-first-out order, and the rest turned away.
///
/// Service is modelled the way a real server does it: a request holds its slot for its whole service time,
/// even if the caller has given up (timed out or cancelled a hedge), so overload shows first as queueing
/// latency and then as errors.
///
/// ```yaml
/// capacity: {concurrency: 8, queue: 32, whenFull: 503}
/// ```
///
/// ```swift
/// let small = BackendCapacity(concurrency: 4, queue: 16, whenFull: .status(503))
/// ```
public struct BackendCapacity: Sendable, Hashable, Codable {
    /// How many requests are served at once.
    public var concurrency: Int
    /// How many requests may wait for a slot.
    public var queue: Int
    /// What a request gets when every slot is busy and the queue is full (at once, without a slot):
    /// `status(503)` by default, or `refused`.
    public var whenFull: FailureAnswer

    /// Creates a capacity limit.
    public init(concurrency: Int, queue: Int = 0, whenFull: FailureAnswer = .status(503)) {
        self.concurrency = concurrency
        self.queue = queue
        self.whenFull = whenFull
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case concurrency, queue, whenFull
    }

    /// Decodes `{concurrency, queue, whenFull}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        concurrency = try container.decode(Int.self, forKey: .concurrency)
        queue = try container.decodeValue(.queue, default: 0)
        whenFull = try container.decodeValue(.whenFull, default: .status(503))
    }

    /// Encodes every field.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(concurrency, forKey: .concurrency)
        try container.encode(queue, forKey: .queue)
        try container.encode(whenFull, forKey: .whenFull)
    }

    func problems(at path: ScenarioPath) -> [ScenarioProblem] {
        var problems: [ScenarioProblem] = []
        if concurrency < 1 || concurrency > 100_000 {
            problems.append(ScenarioProblem(
                path: path.appending("concurrency"), kind: .invalidValue,
                message: "invalid value for \(path.appending("concurrency").fieldName): must be between 1 and 100000, got \(concurrency)"))
        }
        if queue < 0 || queue > 10_000_000 {
            problems.append(ScenarioProblem(
                path: path.appending("queue"), kind: .invalidValue,
                message: "invalid value for \(path.appending("queue").fieldName): must be between 0 and 10000000, got \(queue)"))
        }
        if whenFull == .blackHole || whenFull == .reset {
            problems.append(ScenarioProblem(
                path: path.appending("whenFull"), kind: .invalidValue,
                message: "invalid value for \(path.appending("whenFull").fieldName): must be a status code or refused"))
        }
        return problems + whenFull.problems(at: path.appending("whenFull"))
    }
}
