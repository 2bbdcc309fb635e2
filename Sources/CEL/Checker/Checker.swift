/// Why an expression does not type-check, and where.
public struct TypeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Byte offset of the offending node in the source.
    public var offset: Int
    /// Line and column of the offending node, when compiled from source text.
    public var location: SourceLocation?

    public var description: String { "\(location.map { "\($0)" } ?? "offset \(offset)"): \(message)" }
}

/// Infers the type of an expression against declared variables, assuming `dyn` wherever it cannot know
/// (an element of a mixed list, the result of `dyn(x)`), and refusing what can never evaluate: an
/// undeclared name, an unknown function, operands no overload accepts.
struct Checker {
    let environment: Environment
    private var scopes: [(name: String, type: ValueType)] = []

    init(environment: Environment) {
        self.environment = environment
    }

    mutating func check(_ expr: Expr) throws(TypeError) -> ValueType {
        let at = expr.offset
        switch expr.kind {
        case .literal(let literal):
            return Value(literal).type
        case .identifier(let name, let isAbsolute):
            if !isAbsolute, let local = scopes.last(where: { $0.name == name }) { return local.type }
            if let declared = declared(name, isAbsolute: isAbsolute) { return declared }
            if let denoted = ValueType.denoted(by: name) { return .type(denoted) }
            throw TypeError(message: "undeclared reference to '\(name)'", offset: at)
        case .select(let operand, _):
            if let (name, isAbsolute) = globalName(of: expr), let declared = declared(name, isAbsolute: isAbsolute) {
                return declared
            }
            switch try check(operand) {
            case .map(_, let value): return value
            case .dyn, .named: return .dyn
            case let other:
                throw TypeError(message: "type '\(other)' does not support field selection", offset: at)
            }
        case .presenceTest(let operand, let field):
            switch try check(operand) {
            case .map, .dyn, .named: return .bool
            case let other: throw TypeError(message: "has() cannot test field '\(field)' of \(other)", offset: at)
            }
        case .index(let operand, let index):
            let container = try check(operand)
            let key = try check(index)
            switch container {
            case .list(let element) where assignable(key, .int) || assignable(key, .uint):
                return element
            case .map(let keyType, let value) where assignable(key, keyType) || key.isNumeric && keyType.isNumeric:
                return value
            case .dyn: return .dyn
            default:
                throw TypeError(
                    message: "no matching overload for '_[_]' applied to (\(container), \(key))", offset: at)
            }
        case .unary(let op, let operand):
            let type = try check(operand)
            switch (op, type) {
            case (.not, .bool), (.not, .dyn): return .bool
            case (.negate, .int), (.negate, .double), (.negate, .duration), (.negate, .dyn): return type
            default:
                throw TypeError(message: "no matching overload for '\(op.rawValue)' applied to (\(type))", offset: at)
            }
        case .binary(let op, let lhs, let rhs):
            return try binary(op, try check(lhs), try check(rhs), at: at)
        case .and(let lhs, let rhs), .or(let lhs, let rhs):
            for operand in [lhs, rhs] {
                let type = try check(operand)
                guard assignable(type, .bool) else {
                    throw TypeError(
                        message: "logical operator needs bool operands, not \(type)", offset: operand.offset)
                }
            }
            return .bool
        case .conditional(let condition, let then, let otherwise):
            let type = try check(condition)
            guard assignable(type, .bool) else {
                throw TypeError(message: "condition of ?: must be bool, not \(type)", offset: condition.offset)
            }
            return join(try check(then), try check(otherwise))
        case .list(let items):
            var element: ValueType?
            for item in items {
                let type = try check(item)
                element = element.map { join($0, type) } ?? type
            }
            return .list(element ?? .dyn)
        case .map(let entries):
            var key: ValueType?
            var value: ValueType?
            for entry in entries {
                let keyType = try check(entry.key)
                switch keyType {
                case .bool, .int, .uint, .string, .dyn: break
                default: throw TypeError(message: "unsupported map key type \(keyType)", offset: entry.key.offset)
                }
                let valueType = try check(entry.value)
                key = key.map { join($0, keyType) } ?? keyType
                value = value.map { join($0, valueType) } ?? valueType
            }
            return .map(key ?? .dyn, value ?? .dyn)
        case .message(let typeName, _):
            throw TypeError(message: "unknown message type '\(typeName)'", offset: at)
        case .call(let function, let target, let arguments):
            return try call(function, target: target, arguments: arguments, at: at)
        case .comprehension(let comprehension):
            return try loop(comprehension, at: at)
        }
    }

    private mutating func binary(_ op: BinaryOperator, _ lhs: ValueType, _ rhs: ValueType, at: Int) throws(TypeError)
        -> ValueType
    {
        let refused = TypeError(
            message: "no matching overload for '\(op.rawValue)' applied to (\(lhs), \(rhs))", offset: at)
        switch op {
        case .equal, .notEqual:
            return .bool
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            if lhs == .dyn || rhs == .dyn || (lhs.isNumeric && rhs.isNumeric) { return .bool }
            switch lhs {
            case .string, .bytes, .bool, .timestamp, .duration: if lhs == rhs { return .bool }
            default: break
            }
            throw refused
        case .in:
            switch rhs {
            case .list, .map, .dyn: return .bool
            default: throw refused
            }
        case .add, .subtract, .multiply, .divide, .modulo:
            switch (op, lhs, rhs) {
            case (_, .dyn, .dyn): return .dyn
            case (.add, .timestamp, .duration), (.add, .duration, .timestamp), (.subtract, .timestamp, .duration):
                return .timestamp
            case (.subtract, .timestamp, .timestamp): return .duration
            case (_, .dyn, let known), (_, let known, .dyn):
                return [.int, .uint, .double].contains(known) || op == .add ? known : .dyn
            case (.add, .list(let a), .list(let b)): return .list(join(a, b))
            case (_, .int, .int), (_, .uint, .uint): return lhs
            case (.add, .double, .double), (.subtract, .double, .double), (.multiply, .double, .double),
                (.divide, .double, .double):
                return .double
            case (.add, .string, .string), (.add, .bytes, .bytes), (.add, .duration, .duration),
                (.subtract, .duration, .duration):
                return lhs
            default: throw refused
            }
        }
    }

    private mutating func call(_ function: String, target: Expr?, arguments: [Expr], at: Int) throws(TypeError)
        -> ValueType
    {
        var name = function.hasPrefix(".") ? String(function.dropFirst()) : function
        var operands = arguments
        if let target {
            if let (qualifier, _) = globalName(of: target), isKnown(qualifier + "." + function) {
                name = qualifier + "." + function
            } else {
                operands.insert(target, at: 0)
            }
        }
        var types: [ValueType] = []
        for operand in operands { types.append(try check(operand)) }
        if let custom = environment.functions[name] {
            guard custom.parameters.count == types.count,
                zip(types, custom.parameters).allSatisfy({ assignable($0, $1) })
            else {
                throw TypeError(
                    message:
                        "no matching overload for '\(name)' applied to (\(types.map(\.description).joined(separator: ", ")))",
                    offset: at)
            }
            return custom.result
        }
        guard let result = BuiltinTypes.result(of: name, for: types) else {
            if Builtins.functions[name] == nil {
                throw TypeError(message: "undeclared reference to function '\(name)'", offset: at)
            }
            throw TypeError(
                message:
                    "no matching overload for '\(name)' applied to (\(types.map(\.description).joined(separator: ", ")))",
                offset: at)
        }
        return result
    }

    private mutating func loop(_ comprehension: Expr.Comprehension, at: Int) throws(TypeError) -> ValueType {
        let range = try check(comprehension.range)
        let first: ValueType
        let second: ValueType
        switch range {
        case .list(let element):
            (first, second) = comprehension.secondVariable == nil ? (element, element) : (.int, element)
        case .map(let key, let value): (first, second) = (key, value)
        case .dyn: (first, second) = (.dyn, .dyn)
        default: throw TypeError(message: "cannot iterate over \(range)", offset: comprehension.range.offset)
        }
        let saved = scopes.count
        defer { scopes.removeLast(scopes.count - saved) }
        scopes.append((comprehension.variable, first))
        if let variable = comprehension.secondVariable { scopes.append((variable, second)) }
        let body = try check(comprehension.body)
        var predicates: [(Expr, ValueType)] = []
        if let filter = comprehension.filter { predicates.append((filter, try check(filter))) }
        if comprehension.kind != .map && comprehension.kind != .transformMap {
            predicates.append((comprehension.body, body))
        }
        for (predicate, type) in predicates where !assignable(type, .bool) {
            throw TypeError(message: "a macro's predicate must be bool, not \(type)", offset: predicate.offset)
        }
        switch comprehension.kind {
        case .all, .exists, .existsOne: return .bool
        case .filter: return .list(comprehension.secondVariable == nil ? first : second)
        case .map: return .list(body)
        case .transformMap: return .map(first, body)
        }
    }

    private func isKnown(_ function: String) -> Bool {
        environment.functions[function] != nil || Builtins.functions[function] != nil
    }

    private func declared(_ name: String, isAbsolute: Bool) -> ValueType? {
        for candidate in Planner.candidates(for: name, isAbsolute: isAbsolute, container: environment.container) {
            if let type = environment.declarations[candidate] { return type }
        }
        return nil
    }

    private func globalName(of expr: Expr) -> (String, isAbsolute: Bool)? {
        expr.globalName { name in scopes.contains { $0.name == name } }
    }
}

/// Whether a value of type `actual` may stand where `expected` is wanted (`dyn` on either side always may).
func assignable(_ actual: ValueType, _ expected: ValueType) -> Bool {
    switch (actual, expected) {
    case (.dyn, _), (_, .dyn): true
    case (.list(let a), .list(let b)): assignable(a, b)
    case (.map(let ak, let av), .map(let bk, let bv)): assignable(ak, bk) && assignable(av, bv)
    case (.type, .type): true
    default: actual == expected
    }
}

/// The common type of two branches or elements: itself when they agree, else `dyn`.
func join(_ a: ValueType, _ b: ValueType) -> ValueType {
    if a == b { return a }
    switch (a, b) {
    case (.list(let x), .list(let y)): return .list(join(x, y))
    case (.map(let xk, let xv), .map(let yk, let yv)): return .map(join(xk, yk), join(xv, yv))
    case (.type, .type): return .type(nil)
    default: return .dyn
    }
}

extension ValueType {
    var isNumeric: Bool {
        switch self {
        case .int, .uint, .double: true
        default: false
        }
    }
}
