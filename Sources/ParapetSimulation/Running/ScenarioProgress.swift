import ParapetCore
/// How far one stack of a scenario run has got, as a ``ScenarioRunner/ProgressObserver`` is told.
///
/// ```swift
/// let progress = ScenarioProgress(
///     scenario: "scale", stack: "breaker", stackIndex: 0, stackCount: 1, seed: 1,
///     virtualTime: .seconds(1_332), duration: .seconds(3_600), requests: 812_000, isFinished: false)
/// print(progress)  // scenario scale, stack breaker: 37% (1,332 s of 3,600 s virtual), 812,000 requests
/// ```
public struct ScenarioProgress: Sendable, Hashable, CustomStringConvertible {
    /// The scenario's name.
    public var scenario: String
    /// The name of the stack running.
    public var stack: String
    /// The stack's place among the scenario's stacks, from 0.
    public var stackIndex: Int
    /// How many stacks the scenario runs, one after another.
    public var stackCount: Int
    /// The seed of the run.
    public var seed: UInt64
    /// Virtual time since the stack's run started; past ``duration`` while in-flight requests drain.
    public var virtualTime: Duration
    /// How long the scenario sends traffic.
    public var duration: Duration
    /// Requests finished so far.
    public var requests: Int
    /// Whether the stack's run has ended: the last progress of each stack says so.
    public var isFinished: Bool

    /// Creates a progress value.
    ///
    /// ```swift
    /// let start = ScenarioProgress(
    ///     scenario: "s", stack: "a", stackIndex: 0, stackCount: 1, seed: 1,
    ///     virtualTime: .zero, duration: .seconds(60), requests: 0, isFinished: false)
    /// ```
    public init(
        scenario: String, stack: String, stackIndex: Int, stackCount: Int, seed: UInt64, virtualTime: Duration,
        duration: Duration, requests: Int, isFinished: Bool
    ) {
        self.scenario = scenario
        self.stack = stack
        self.stackIndex = stackIndex
        self.stackCount = stackCount
        self.seed = seed
        self.virtualTime = virtualTime
        self.duration = duration
        self.requests = requests
        self.isFinished = isFinished
    }

    /// The share of the traffic's duration behind, from 0 to 1: 1 while draining and once finished.
    public var fractionComplete: Double {
        guard !isFinished, duration > .zero else { return 1 }
        return min(max(virtualTime / duration, 0), 1)
    }

    /// One line: `scenario scale, stack breaker (1 of 2): 37% (1,332 s of 3,600 s virtual), 812,000 requests`.
    public var description: String {
        let stackText = stackCount > 1 ? "stack \(stack) (\(stackIndex + 1) of \(stackCount))" : "stack \(stack)"
        let elapsed = min(virtualTime, duration)
        let draining = !isFinished && virtualTime > duration ? ", draining" : ""
        return "scenario \(scenario), \(stackText): \(Int(fractionComplete * 100))% "
            + "(\(DecimalText.grouped(Int(elapsed.inSeconds))) s of \(DecimalText.grouped(Int(duration.inSeconds))) s virtual"
            + "\(draining)), \(DecimalText.grouped(requests)) requests"
    }
}
