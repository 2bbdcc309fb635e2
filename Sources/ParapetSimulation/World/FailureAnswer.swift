/// How a simulated backend fails a request: an HTTP status, a refused connection, a reset connection or
/// silence.
///
/// In scenario files: a status code (`503`), or `refused`, `reset` or `blackHole`.
///
/// ```swift
/// let unready = FailureAnswer.status(503)
/// let pulledCable = FailureAnswer.blackHole
/// ```
public enum FailureAnswer: Sendable, Hashable, Codable {
    /// Answers with this HTTP status after the usual latency (and, like a real answer, uses a capacity slot).
    case status(Int)
    /// Refuses the connection within a millisecond: the transport fails with ``SimulatedNetworkFailure/connectionRefused``.
    case refused
    /// Resets the connection after the usual latency: the transport fails with ``SimulatedNetworkFailure/connectionReset``.
    case reset
    /// Never answers: the request hangs until the caller's timeout or cancellation.
    case blackHole

    static let names = ["refused", "reset", "blackHole"]

    /// Decodes a status code or one of `refused`, `reset`, `blackHole`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let path = ScenarioPath(codingPath: decoder.codingPath)
        if let code = try? container.decode(Int.self) {
            self = .status(code)
            return
        }
        let name = try container.decode(String.self)
        switch name {
        case "refused": self = .refused
        case "reset": self = .reset
        case "blackHole": self = .blackHole
        default:
            throw ScenarioProblem(
                path: path, kind: .invalidValue,
                message: "invalid failure for \(path.fieldName): \"\(name)\" (expected a status code or one of: "
                    + Self.names.joined(separator: ", ") + ")")
        }
    }

    /// Encodes a status as a number, the others by name.
    ///
    /// ```swift
    /// let json = try JSONEncoder().encode(FailureAnswer.refused)  // "refused"
    /// ```
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .status(let code): try container.encode(code)
        case .refused: try container.encode("refused")
        case .reset: try container.encode("reset")
        case .blackHole: try container.encode("blackHole")
        }
    }

    func problems(at path: ScenarioPath) -> [ScenarioProblem] {
        if case .status(let code) = self, !(100...599).contains(code) {
            return [ScenarioProblem(
                path: path, kind: .invalidValue,
                message: "invalid status for \(path.fieldName): \(code) is not between 100 and 599")]
        }
        return []
    }
}
