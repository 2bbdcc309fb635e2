/// Why an expression does not type-check, and where.
public struct TypeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// Byte offset of the offending node in the source.
    public var offset: Int

    public var description: String { "at offset \(offset): \(message)" }
}

/// Infers the type of an expression against declared variables, using `dyn` wherever it cannot know.
struct Checker {
    let environment: Environment

    func check(_ expr: Expr) throws(TypeError) -> ValueType {
        .dyn
    }
}
