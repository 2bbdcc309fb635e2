/// Why an evaluation produced no value: a CEL runtime error (`division by zero`, `no such key`,
/// `no matching overload for '_+_' applied to (int, string)`) or a limit reached.
///
/// `&&`, `||`, `?:` and the macros absorb ordinary errors the way the language defines (`false && error`
/// is `false`), but never ``isLimit`` errors: a cost limit stops the whole evaluation.
public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The evaluation ran out of budget (cost or time); nothing absorbs it.
    public var isLimit: Bool

    /// An error; functions added to an ``Environment`` throw these.
    public init(_ message: String, isLimit: Bool = false) {
        self.message = message
        self.isLimit = isLimit
    }

    public var description: String { message }

    static func noOverload(_ function: String, _ arguments: Value...) -> EvaluationError {
        EvaluationError(
            "no matching overload for '\(function)' applied to (\(arguments.map(\.type.name).joined(separator: ", ")))")
    }

    static let overflow = EvaluationError("return error for overflow")
}
