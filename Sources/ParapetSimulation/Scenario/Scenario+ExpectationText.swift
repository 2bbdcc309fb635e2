import ParapetCore
extension Scenario.Expectation: CustomStringConvertible {
    /// The expectation as one line, e.g. `successRatio(stack: breaker, atLeast: 0.99, window: [40s, end))`.
    ///
    /// ```swift
    /// print(Scenario.Expectation.successRatio(atLeast: 0.99).text)  // successRatio(atLeast: 0.99)
    /// ```
    public var text: String {
        func parts(_ stack: String?, _ rest: [String], _ window: TimeWindow = .whole) -> String {
            var all: [String] = []
            if let stack { all.append("stack: \(stack)") }
            all += rest
            if !window.isWhole { all.append("window: \(window)") }
            return all.joined(separator: ", ")
        }
        func bounds(_ atLeast: Int?, _ atMost: Int?) -> [String] {
            (atLeast.map { ["atLeast: \($0)"] } ?? []) + (atMost.map { ["atMost: \($0)"] } ?? [])
        }
        switch self {
        case .successRatio(let atLeast, let window, let stack):
            return "successRatio(" + parts(stack, ["atLeast: \(atLeast)"], window) + ")"
        case .latency(let percentile, let atMost, let window, let stack):
            return "latency(" + parts(stack, ["p\(ExpectationEvaluator.number(percentile)) ≤ \(DurationText.format(atMost))"], window) + ")"
        case .noTraffic(let target, let window, let stack):
            return "noTraffic(" + parts(stack, ["target: \(target)"], window) + ")"
        case .noTrafficWhileOpen(let target, let stack):
            return "noTraffic(" + parts(stack, (target.map { ["target: \($0)"] } ?? []) + ["while: open"]) + ")"
        case .allDown(let policy, let atLeast, let stack):
            return "allDown(" + parts(stack, ["policy: \(policy.rawValue)"] + (atLeast.map { ["atLeast: \($0)"] } ?? [])) + ")"
        case .maxInFlight(let atMost, let target, let stack):
            return "maxInFlight(" + parts(stack, (target.map { ["target: \($0)"] } ?? []) + ["atMost: \(atMost)"]) + ")"
        case .better(let stack, let than, let metric, let by, let window):
            return "better(" + parts(stack, ["than: \(than)", "metric: \(metric.rawValue)", "by: \(by)"], window) + ")"
        case .cacheCount(let count, let atLeast, let atMost, let stack):
            return count.rawValue + "(" + parts(stack, bounds(atLeast, atMost)) + ")"
        case .cacheMemory(let measure, let at, let atLeast, let atMost, let stack):
            return measure.rawValue + "(" + parts(stack, ["at: \(DurationText.format(at))"] + bounds(atLeast, atMost)) + ")"
        }
    }

    /// Same as ``text``.
    public var description: String { text }
}
