/// Walks a planned ``Node`` tree against an activation, charging one unit of budget per node (and more
/// for work proportional to data size) and applying CEL's error-absorbing rules for `&&`, `||` and the
/// macros.
///
/// Not generic over the activation: a generic evaluator called from another module runs unspecialised,
/// looking up type metadata at every step; one existential call per variable read costs far less.
struct Evaluator {
    let activation: any Activation
    var locals: [Value]
    var budget: Int
    /// Asked every 1,024 steps whether to stop (a deadline passed); nil when only the budget bounds the run.
    let shouldStop: (() -> Bool)?
    private var stepsUntilCheck = 1024

    init(activation: any Activation, slots: Int, budget: Int, shouldStop: (() -> Bool)? = nil) {
        self.activation = activation
        self.locals = Array(repeating: .null, count: slots)
        self.budget = budget
        self.shouldStop = shouldStop
    }

    /// Takes `units` from the budget, failing with a limit error once it is spent or the caller says stop.
    mutating func charge(_ units: Int) throws(EvaluationError) {
        budget -= units
        if budget < 0 { throw EvaluationError("evaluation exceeded its cost limit", isLimit: true) }
        stepsUntilCheck -= 1
        if stepsUntilCheck == 0 {
            stepsUntilCheck = 1024
            if let shouldStop, shouldStop() { throw EvaluationError("evaluation stopped: time limit", isLimit: true) }
        }
    }

    mutating func evaluate(_ node: Node) throws(EvaluationError) -> Value {
        try charge(1)
        switch node {
        case .constant(let value):
            return value
        case .local(let slot):
            return locals[slot]
        case .variable(let name, let names, let fallback):
            for name in names {
                if let value = activation.value(of: name) { return value }
            }
            if let fallback { return fallback }
            throw EvaluationError("undeclared reference to '\(name)'")
        case .select(let operand, let field, let names):
            for name in names {
                if let value = activation.value(of: name) { return value }
            }
            return try Operators.select(field, from: try evaluate(operand))
        case .presenceTest(let operand, let field):
            switch try evaluate(operand) {
            case .map(let map): return .bool(map[field] != nil)
            case let other: throw EvaluationError("has() cannot test field '\(field)' of \(other.type.name)")
            }
        case .index(let operand, let index):
            return try Operators.index(try evaluate(operand), try evaluate(index))
        case .unary(let op, let operand):
            return try Operators.unary(op, try evaluate(operand))
        case .binary(let op, let lhs, let rhs):
            let left = try evaluate(lhs)
            let right = try evaluate(rhs)
            return try Operators.binary(op, left, right, charging: &budget)
        case .and(let lhs, let rhs):
            return try logical(lhs, rhs, deciding: false)
        case .or(let lhs, let rhs):
            return try logical(lhs, rhs, deciding: true)
        case .conditional(let condition, let then, let otherwise):
            switch try evaluate(condition) {
            case .bool(true): return try evaluate(then)
            case .bool(false): return try evaluate(otherwise)
            case let other: throw EvaluationError.noOverload("_?_:_", other)
            }
        case .list(let items):
            try charge(items.count)
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item)) }
            return .list(values)
        case .map(let keys, let values):
            try charge(keys.count)
            var map = MapValue()
            for (key, value) in zip(keys, values) {
                try map.insert(try evaluate(key), try evaluate(value))
            }
            return .map(map)
        case .call(let callee, let arguments):
            var values: [Value] = []
            values.reserveCapacity(arguments.count)
            for argument in arguments {
                let value = try evaluate(argument)
                try charge(value.sizeCost)
                values.append(value)
            }
            return try callee.implementation(values)
        case .matches(let operand, let pattern):
            guard case .string(let text) = try evaluate(operand) else {
                throw EvaluationError("matches() needs a string to search")
            }
            try charge(pattern.cost(of: text))
            return .bool(pattern.matches(text))
        case .comprehension(let loop):
            return try comprehension(loop)
        case .failure(let message, let arguments):
            for argument in arguments { _ = try evaluate(argument) }
            throw EvaluationError(message)
        }
    }

    /// `&&` (deciding value `false`) and `||` (`true`): the deciding value on either side wins, even over
    /// an error or a non-boolean on the other; otherwise the first error, or the other side's value.
    private mutating func logical(_ lhs: Node, _ rhs: Node, deciding: Bool) throws(EvaluationError) -> Value {
        let name = deciding ? "_||_" : "_&&_"
        var pending: EvaluationError?
        do {
            switch try evaluate(lhs) {
            case .bool(let value) where value == deciding: return .bool(deciding)
            case .bool: break
            case let other: pending = .noOverload(name, other)
            }
        } catch  where !error.isLimit {
            pending = error
        }
        let right: Value
        do {
            right = try evaluate(rhs)
        } catch  where !error.isLimit {
            throw pending ?? error
        }
        switch right {
        case .bool(let value) where value == deciding: return .bool(deciding)
        case .bool(let value):
            if let pending { throw pending }
            return .bool(value)
        case let other:
            throw pending ?? .noOverload(name, other)
        }
    }
}

extension Value {
    /// Extra budget an argument costs a call: one unit per 64 bytes or elements, so functions that walk
    /// their arguments (`contains`, `size` of a built string, conversions) pay for their length.
    var sizeCost: Int {
        switch self {
        case .string(let s): s.utf8.count >> 6
        case .bytes(let b): b.count >> 6
        case .list(let items): items.count >> 6
        case .map(let map): map.count >> 6
        default: 0
        }
    }
}
