/// The variables an evaluation reads, looked up by name only when the expression needs them.
///
/// A dictionary is one; an adapter over a request can be another, building each variable on demand.
///
/// ```swift
/// try program.evaluate(["x": .int(1)])
/// ```
public protocol Activation {
    /// The value of the variable `name` (a dotted name for qualified variables), or nil if unbound.
    func value(of name: String) -> Value?
}

extension Dictionary: Activation where Key == String, Value == CEL.Value {
    public func value(of name: String) -> CEL.Value? { self[name] }
}
