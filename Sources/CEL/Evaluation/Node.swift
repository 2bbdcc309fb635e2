/// An expression prepared for evaluation: names resolved to candidate variables or comprehension slots,
/// calls bound to their implementations, constant regular expressions compiled.
indirect enum Node: Sendable {
    case constant(Value)
    /// A global `name`: the first of `names` bound in the activation wins (container-qualified first);
    /// else `fallback` (a type such as `int`), else an error.
    case variable(String, names: [String], fallback: Value?)
    /// A comprehension variable, by slot.
    case local(Int)
    /// `operand.field`; when `names` is not empty the dotted name may itself be a variable, tried first.
    case select(Node, field: String, names: [String])
    case presenceTest(Node, field: String)
    case index(Node, Node)
    case unary(UnaryOperator, Node)
    case binary(BinaryOperator, Node, Node)
    case and(Node, Node)
    case or(Node, Node)
    case conditional(Node, Node, Node)
    case list([Node])
    case map([Node], [Node])
    case call(Callee, [Node])
    /// `text.matches(pattern)` with a pattern compiled once, when the program was.
    case matches(Node, CompiledPattern)
    case comprehension(Loop)
    /// A node that can only fail (an unknown function, a message literal), its arguments still
    /// evaluated so that `f_unknown(1/0)` and `f_unknown(1)` fail the same way under `||`.
    case failure(String, [Node])

    struct Loop: Sendable {
        var kind: Expr.Comprehension.Kind
        var range: Node
        var slot: Int
        var secondSlot: Int?
        var body: Node
        var filter: Node?
    }
}

/// A function's implementation, called with its receiver (if any) first.
public typealias FunctionImplementation = @Sendable ([Value]) throws(EvaluationError) -> Value

/// A bound function: its name (for errors) and implementation.
struct Callee: Sendable {
    var name: String
    var implementation: FunctionImplementation
}
