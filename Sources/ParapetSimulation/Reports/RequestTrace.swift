import ParapetCore
/// A per-request trace — arrival time, answering target, outcome and latency — as recorded by a run (see
/// ``ScenarioRunner/Options/recordsTrace``) or read from an access log in CSV or JSON lines. A trace can be
/// replayed with `ParapetScenarios`: `replayScenario(name:seed:stacks:drain:)` builds backends reproducing each
/// target's status mix and latency distribution and sends the same arrivals through other stacks.
///
/// CSV (a header line, then one request per line; times in milliseconds):
///
/// ```text
/// time_ms,target,status,latency_ms
/// 12.500,a,200,20.125
/// 13.000,b,refused,1.000
/// 14.250,-,shed,0.000
/// ```
/// JSON lines: `{"time_ms": 12.5, "target": "a", "status": "200", "latency_ms": 20.125}`.
///
/// ```swift
/// let trace = try RequestTrace(csv: String(decoding: data, as: UTF8.self), file: "access.csv")
/// let replay = trace.replayScenario(name: "replay", stacks: [.init(balancer: .leastConnections)])
/// let report = try await ScenarioRunner.run(replay)
/// ```
public struct RequestTrace: Sendable, Hashable {
    /// One request.
    ///
    /// ```swift
    /// let entry = RequestTrace.Entry(time: .milliseconds(12), target: "a", outcome: .status(200), latency: .milliseconds(20))
    /// ```
    public struct Entry: Sendable, Hashable {
        /// When the request arrived, from the start of the trace.
        public var time: Duration
        /// The target that answered (or failed), if one did.
        public var target: String?
        /// How it ended.
        public var outcome: Outcome
        /// How long it took.
        public var latency: Duration

        /// Creates an entry.
        public init(time: Duration, target: String?, outcome: Outcome, latency: Duration) {
            self.time = time
            self.target = target
            self.outcome = outcome
            self.latency = latency
        }
    }

    /// How a traced request ended.
    ///
    /// ```swift
    /// let outcome = RequestTrace.Outcome(text: "refused")
    /// ```
    public enum Outcome: Sendable, Hashable {
        /// An HTTP status.
        case status(Int)
        /// The target refused the connection.
        case refused
        /// The target reset the connection.
        case reset
        /// The target did not answer in time.
        case timeout
        /// The balancer shed the request (no target contacted).
        case shed
        /// The request was still unanswered at the end.
        case unfinished

        /// Parses `200`, `refused`, `reset`, `timeout`, `shed` or `unfinished`.
        public init?(text: String) {
            switch text {
            case "refused": self = .refused
            case "reset": self = .reset
            case "timeout": self = .timeout
            case "shed": self = .shed
            case "unfinished": self = .unfinished
            default:
                guard let code = Int(text), (100...599).contains(code) else { return nil }
                self = .status(code)
            }
        }

        /// The text form.
        ///
        /// ```swift
        /// print(RequestTrace.Outcome.refused.text)  // refused
        /// ```
        public var text: String {
            switch self {
            case .status(let code): String(code)
            case .refused: "refused"
            case .reset: "reset"
            case .timeout: "timeout"
            case .shed: "shed"
            case .unfinished: "unfinished"
            }
        }
    }

    /// The requests, in arrival order.
    public var entries: [Entry]

    /// Creates a trace.
    public init(entries: [Entry]) {
        self.entries = entries
    }

    static let csvHeader = "time_ms,target,status,latency_ms"

    /// The trace as CSV with a header line; deterministic (fixed three decimals).
    public var csv: String {
        var text = Self.csvHeader + "\n"
        for entry in entries {
            text += DecimalText.fixed(entry.time.inMilliseconds, places: 3) + "," + (entry.target ?? "-") + ","
                + entry.outcome.text + "," + DecimalText.fixed(entry.latency.inMilliseconds, places: 3) + "\n"
        }
        return text
    }

    /// The trace as JSON lines; deterministic.
    public var jsonLines: String {
        var text = ""
        for entry in entries {
            let target = entry.target.map { "\"\(Self.escaped($0))\"" } ?? "null"
            text += "{\"time_ms\":" + DecimalText.fixed(entry.time.inMilliseconds, places: 3) + ",\"target\":" + target
                + ",\"status\":\"" + entry.outcome.text + "\",\"latency_ms\":"
                + DecimalText.fixed(entry.latency.inMilliseconds, places: 3) + "}\n"
        }
        return text
    }

    private static func escaped(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where scalar.value < 0x20: escaped += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
