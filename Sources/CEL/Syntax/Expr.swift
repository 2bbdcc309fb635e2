/// A parsed CEL expression: a tree of value types that knows where each node came from.
///
/// Operators keep their own cases (rather than becoming calls named `_+_`) so the planner and the
/// checker can switch on them directly; macros (`has`, `all`, `exists`, …) arrive already expanded
/// into ``Kind/presenceTest(_:field:)`` and ``Kind/comprehension(_:)``.
public struct Expr: Sendable, Hashable {
    /// Byte offset of the node's first token in the source.
    public var offset: Int
    /// What the node is.
    public var kind: Kind

    /// Creates a node.
    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    /// The node kinds of the CEL grammar.
    public indirect enum Kind: Sendable, Hashable {
        /// `null`, `true`, `42`, `7u`, `1.5`, `'text'`, `b'bytes'`.
        case literal(Literal)
        /// A name; `isAbsolute` when written with a leading dot (`.y`), which skips the container.
        case identifier(String, isAbsolute: Bool)
        /// `operand.field`.
        case select(Expr, field: String)
        /// `has(operand.field)`.
        case presenceTest(Expr, field: String)
        /// `operand[index]`.
        case index(Expr, Expr)
        /// `f(args)` or `target.f(args)`.
        case call(function: String, target: Expr?, arguments: [Expr])
        /// `!x`, `-x`.
        case unary(UnaryOperator, Expr)
        /// `a + b`, `a == b`, `a in b`, …
        case binary(BinaryOperator, Expr, Expr)
        /// `a && b`
        case and(Expr, Expr)
        /// `a || b`
        case or(Expr, Expr)
        /// `condition ? then : else`
        case conditional(Expr, Expr, Expr)
        /// `[a, b]`
        case list([Expr])
        /// `{k: v, …}`
        case map([MapEntry])
        /// `pkg.Message{field: value}` — parsed, but evaluating it needs protobuf types this module has not.
        case message(typeName: String, fields: [FieldEntry])
        /// A macro's loop: `all`, `exists`, `exists_one`, `map`, `filter` and the two-variable forms.
        case comprehension(Comprehension)
    }

    /// A literal's value, as written.
    public enum Literal: Sendable, Hashable {
        /// `null`
        case null
        /// `true`, `false`
        case bool(Bool)
        /// `42`, `-0x2A`
        case int(Int64)
        /// `42u`
        case uint(UInt64)
        /// `4.2`, `1e-3`
        case double(Double)
        /// `'text'`, `"""text"""`, `r'raw'`, decoded
        case string(String)
        /// `b'bytes'`, decoded
        case bytes([UInt8])
    }

    /// One `key: value` of a map literal.
    public struct MapEntry: Sendable, Hashable {
        /// The key expression.
        public var key: Expr
        /// The value expression.
        public var value: Expr
    }

    /// One `field: value` of a message literal.
    public struct FieldEntry: Sendable, Hashable {
        /// The field name.
        public var field: String
        /// The value expression.
        public var value: Expr
    }

    /// A macro expanded into a loop over a list's elements (or a map's keys).
    ///
    /// With two variables the first is the index (or the map key) and the second the element (or value).
    public struct Comprehension: Sendable, Hashable {
        /// The macros this module expands.
        public enum Kind: Sendable, Hashable {
            /// `all`: true unless the predicate is false for some element.
            case all
            /// `exists`: true if the predicate is true for some element.
            case exists
            /// `exists_one` / `existsOne`: true if the predicate is true for exactly one element.
            case existsOne
            /// `map(x, transform)`, `map(x, filter, transform)`, `transformList(i, v, [filter,] transform)`.
            case map
            /// `filter(x, predicate)`: the elements for which the predicate holds.
            case filter
            /// `transformMap(k, v, [filter,] transform)`: a map from the same keys to new values.
            case transformMap
        }
        /// Which macro.
        public var kind: Kind
        /// The list or map iterated over.
        public var range: Expr
        /// The element (one variable) or index/key (two variables).
        public var variable: String
        /// The element or value, in the two-variable forms.
        public var secondVariable: String?
        /// The predicate of `all`/`exists`/`exists_one`/`filter`; the transform of `map`/`transformList`/`transformMap`.
        public var body: Expr
        /// The optional filter of `map`/`transformList`/`transformMap` (their three- and four-argument forms).
        public var filter: Expr?
    }
}

/// `!` and unary `-`.
public enum UnaryOperator: String, Sendable, Hashable {
    case not = "!_"
    case negate = "-_"
}

/// The binary operators other than `&&` and `||` (which are not strict in their operands).
public enum BinaryOperator: String, Sendable, Hashable {
    case add = "_+_"
    case subtract = "_-_"
    case multiply = "_*_"
    case divide = "_/_"
    case modulo = "_%_"
    case equal = "_==_"
    case notEqual = "_!=_"
    case less = "_<_"
    case lessOrEqual = "_<=_"
    case greater = "_>_"
    case greaterOrEqual = "_>=_"
    case `in` = "@in"
}

extension Expr.Kind {
    /// `{ .binary(op, $0, $1) }`: a binary operator as a function of its operands.
    static func binary(_ op: BinaryOperator) -> (Expr, Expr) -> Expr.Kind {
        { .binary(op, $0, $1) }
    }
}
