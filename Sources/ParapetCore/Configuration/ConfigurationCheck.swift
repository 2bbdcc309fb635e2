/// The rules a configuration's values must follow, checked together so that one error names every
/// value that breaks them — not just the first.
///
/// ```swift
/// public func validate() throws(ConfigurationError) {
///     var check = ConfigurationCheck()
///     check.atLeast(1, failureThreshold, "failureThreshold")
///     check.positive(openTimeout, "openTimeout")
///     check.nonNegative(hedgeDelay, "hedgeDelay")
///     try check.result()
/// }
/// ```
///
/// Each rule's message is the same everywhere: `must be at least 1, got 0`, `must be positive, got
/// -1.0 seconds`, `must not be negative, got -5`, `must be between 1 and 128, got 129`.
public struct ConfigurationCheck: Sendable {
    /// The problems found so far, in the order they were checked.
    public private(set) var problems: [ConfigurationError] = []

    /// A check with nothing found yet.
    public init() {}

    /// Records that `field` breaks a rule, in the words of `reason`.
    public mutating func fail(_ field: String, _ reason: String) {
        problems.append(.invalidValue(field: field, reason: reason))
    }

    /// `field` must hold `condition`; otherwise `reason` says why not.
    public mutating func require(_ condition: Bool, _ field: String, _ reason: @autoclosure () -> String) {
        if !condition { fail(field, reason()) }
    }

    /// `value` must be at least `minimum`.
    public mutating func atLeast(_ minimum: Int, _ value: Int, _ field: String) {
        require(value >= minimum, field, "must be at least \(minimum), got \(value)")
    }

    /// `value` must lie in `range`.
    public mutating func within(_ range: ClosedRange<Int>, _ value: Int, _ field: String) {
        require(range.contains(value), field, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
    }

    /// `value` must be above zero.
    public mutating func positive(_ value: Int, _ field: String) {
        require(value > 0, field, "must be positive, got \(value)")
    }

    /// `value` must be above zero.
    public mutating func positive(_ value: Duration, _ field: String) {
        require(value > .zero, field, "must be positive, got \(value)")
    }

    /// `value` must not be below zero.
    public mutating func nonNegative(_ value: Int, _ field: String) {
        require(value >= 0, field, "must not be negative, got \(value)")
    }

    /// `value`, when set, must not be below zero.
    public mutating func nonNegative(_ value: Duration?, _ field: String) {
        guard let value else { return }
        require(value >= .zero, field, "must not be negative, got \(value)")
    }

    /// Throws when a rule was broken: the one problem, or ``ConfigurationError/several(_:)`` naming each.
    public func result() throws(ConfigurationError) {
        switch problems.count {
        case 0: return
        case 1: throw problems[0]
        default: throw .several(problems)
        }
    }
}
