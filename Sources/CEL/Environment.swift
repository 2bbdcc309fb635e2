/// Everything a CEL expression is compiled against: declared variables, extra functions, the container
/// that qualifies names, the parser's limits and the evaluation cost limit.
///
/// ```swift
/// var env = Environment()
/// env.declare("request", as: .map(.string, .dyn))
/// let program = try env.compile("request.method == 'POST' && size(request.body) > 1024")
/// let blocked = try program.evaluate(["request": request]) == .bool(true)
/// ```
public struct Environment: Sendable {
    /// Variables the checker knows, by (possibly dotted) name.
    public var declarations: [String: ValueType] = [:]
    /// Functions beyond the standard library, by name.
    public var functions: [String: Function] = [:]
    /// A namespace such as `com.example`: `y` then means `com.example.y` when that is bound, else `y`.
    public var container = ""
    /// Limits and macros for parsing.
    public var parserOptions = ParserOptions()
    /// Whether ``compile(_:)`` type-checks before planning (undeclared names, mismatched operands).
    public var checks = true
    /// The type every compiled expression must have (a firewall rule: `.bool`); checked when ``checks``
    /// is on, where `dyn` passes.
    public var expectedResultType: ValueType?
    /// How many evaluation steps a program may take before it stops with an error; Go CEL's default.
    public var costLimit = 1_000_000

    /// An environment with no declarations, the standard library, and checking on.
    public init() {}

    /// Declares a variable for the checker.
    public mutating func declare(_ name: String, as type: ValueType) {
        declarations[name] = type
    }

    /// Adds a function callable as `name(args)` or, when `isMethod`, `target.name(args)`.
    public mutating func define(_ function: Function) {
        functions[function.name] = function
    }

    /// Parses, checks (when ``checks`` is on) and plans `source` into a reusable, thread-safe program.
    public func compile(_ source: String) throws(CompileError) -> Program {
        let expr: Expr
        do {
            expr = try Parser.parse(source, options: parserOptions)
        } catch {
            throw CompileError.syntax(error)
        }
        do {
            return try compile(expr)
        } catch .type(var error) {
            error.location = SourceLocation(offset: error.offset, in: Array(source.utf8))
            throw .type(error)
        } catch {
            throw error
        }
    }

    /// Checks and plans an already parsed expression.
    public func compile(_ expr: Expr) throws(CompileError) -> Program {
        var resultType = ValueType.dyn
        if checks {
            var checker = Checker(environment: self)
            do {
                resultType = try checker.check(expr)
            } catch {
                throw CompileError.type(error)
            }
            if let expected = expectedResultType, !assignable(resultType, expected) {
                throw CompileError.type(
                    TypeError(message: "expression has type \(resultType), not \(expected)", offset: expr.offset))
            }
        }
        var planner = Planner(environment: self)
        let root = planner.plan(expr)
        return Program(root: root, slots: planner.slotCount, costLimit: costLimit, resultType: resultType)
    }
}

/// Why an expression did not compile.
public enum CompileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The source does not parse.
    case syntax(SyntaxError)
    /// The expression does not type-check.
    case type(TypeError)

    public var description: String {
        switch self {
        case .syntax(let error): "syntax error at \(error)"
        case .type(let error): "type error: \(error)"
        }
    }
}

/// A function added to an ``Environment``.
///
/// ```swift
/// let lower = Function("lower", parameters: [.string], result: .string) { args throws(EvaluationError) in
///     guard case .string(let s) = args[0] else { throw EvaluationError("lower needs a string") }
///     return .string(s.lowercased())
/// }
/// ```
public struct Function: Sendable {
    /// The name calls use (`name(x)`, or `x.name()` with the receiver as first parameter).
    public var name: String
    /// Parameter types for the checker, receiver first for methods; `dyn` accepts anything.
    public var parameters: [ValueType]
    /// The result type for the checker.
    public var result: ValueType
    /// The code called with the evaluated arguments.
    public var implementation: FunctionImplementation

    /// A function with its checker signature and implementation.
    public init(
        _ name: String, parameters: [ValueType], result: ValueType,
        implementation: @escaping FunctionImplementation
    ) {
        self.name = name
        self.parameters = parameters
        self.result = result
        self.implementation = implementation
    }
}

/// A compiled expression: immutable, `Sendable`, evaluated as many times as needed from any thread.
public struct Program: Sendable {
    let root: Node
    let slots: Int
    /// The evaluation steps one ``evaluate(_:)`` may take.
    public let costLimit: Int
    /// The result type the checker inferred (`dyn` when unchecked or unknown).
    public let resultType: ValueType

    /// Evaluates against `activation`, throwing CEL runtime errors and the cost limit.
    public func evaluate(_ activation: some Activation) throws(EvaluationError) -> Value {
        var evaluator = Evaluator(activation: activation, slots: slots, budget: costLimit)
        return try evaluator.evaluate(root)
    }

    /// Evaluates like ``evaluate(_:)``, asking `shouldStop` every 1,024 steps whether to give up — how a
    /// caller bounds evaluation time by its own clock (`{ clock.now >= deadline }`): the evaluation then
    /// fails with a limit error.
    public func evaluate(_ activation: some Activation, stoppingWhen shouldStop: () -> Bool) throws(EvaluationError)
        -> Value
    {
        try withoutActuallyEscaping(shouldStop) { (shouldStop) throws(EvaluationError) -> Value in
            var evaluator = Evaluator(activation: activation, slots: slots, budget: costLimit, shouldStop: shouldStop)
            return try evaluator.evaluate(root)
        }
    }

    /// Evaluates with no variables bound.
    public func evaluate() throws(EvaluationError) -> Value {
        try evaluate([String: Value]())
    }
}
