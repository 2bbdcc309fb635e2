import ParapetCore
/// A span of virtual time from the start of a run: `[from, to)`; an open `to` runs to the end (drain
/// included). Requests belong to the window their arrival falls in.
///
/// ```swift
/// let outage = TimeWindow(from: .seconds(30), to: .seconds(60))
/// #expect(report.target("b").requests(during: outage) == 0)
/// ```
public struct TimeWindow: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The start, inclusive.
    public var from: Duration
    /// The end, exclusive; `nil` for the end of the run.
    public var to: Duration?

    /// The whole run.
    public static let whole = TimeWindow()

    /// Creates a window.
    public init(from: Duration = .zero, to: Duration? = nil) {
        self.from = from
        self.to = to
    }

    /// Creates a window from a range.
    public init(_ range: Range<Duration>) {
        self.init(from: range.lowerBound, to: range.upperBound)
    }

    /// Whether `offset` lies in the window.
    public func contains(_ offset: Duration) -> Bool {
        offset >= from && (to.map { offset < $0 } ?? true)
    }

    /// Whether this is the whole run.
    public var isWhole: Bool { from == .zero && to == nil }

    /// `[30s, 1m)`, `[30s, end)` or `whole run`.
    ///
    /// ```swift
    /// print(TimeWindow(from: .seconds(30), to: .seconds(60)))  // [30s, 1m)
    /// ```
    public var description: String {
        if isWhole { return "whole run" }
        return "[\(DurationText.format(from)), \(to.map(DurationText.format) ?? "end"))"
    }

    private enum CodingKeys: String, CodingKey { case from, to }

    /// Decodes `{from, to}`, both optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        from = try container.decodeDurationIfPresent(.from) ?? .zero
        to = try container.decodeDurationIfPresent(.to)
    }

    /// Encodes `from` and, if set, `to`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeDuration(from, forKey: .from)
        try container.encodeDurationIfPresent(to, forKey: .to)
    }

    func problems(at path: ScenarioPath) -> [ScenarioProblem] {
        if from < .zero {
            return [ScenarioProblem(
                path: path.appending("from"), kind: .invalidValue,
                message: "invalid value for \(path.appending("from").fieldName): must not be negative, got \(DurationText.format(from))")]
        }
        if let to, to <= from {
            return [ScenarioProblem(
                path: path.appending("to"), kind: .invalidValue,
                message: "invalid value for \(path.appending("to").fieldName): must be after from (\(DurationText.format(from))), got \(DurationText.format(to))")]
        }
        return []
    }
}
