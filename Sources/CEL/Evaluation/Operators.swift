/// CEL's operators over values: arithmetic with overflow as an error, comparison across numeric kinds,
/// membership, indexing and field selection.
enum Operators {
    static func select(_ field: String, from operand: Value) throws(EvaluationError) -> Value {
        guard case .map(let map) = operand else {
            throw EvaluationError("type '\(operand.type.name)' does not support field selection")
        }
        guard let value = map[field] else { throw EvaluationError("no such key: '\(field)'") }
        return value
    }

    static func index(_ operand: Value, _ index: Value) throws(EvaluationError) -> Value {
        switch operand {
        case .list(let items):
            let position: Int64
            switch index {
            case .int(let i): position = i
            case .uint(let u): position = u > UInt64(Int64.max) ? -1 : Int64(u)
            case .double(let d) where d.rounded(.towardZero) == d && abs(d) < 9.2e18: position = Int64(d)
            default: throw EvaluationError("invalid_argument: list index must be an integer, not \(index)")
            }
            guard position >= 0, position < items.count else {
                throw EvaluationError("invalid_argument: index \(position) out of range for a list of \(items.count)")
            }
            return items[Int(position)]
        case .map(let map):
            guard let value = map[index] else { throw EvaluationError("no such key: \(index)") }
            return value
        default:
            throw EvaluationError.noOverload("_[_]", operand, index)
        }
    }

    static func unary(_ op: UnaryOperator, _ operand: Value) throws(EvaluationError) -> Value {
        switch (op, operand) {
        case (.not, .bool(let b)): return .bool(!b)
        case (.negate, .int(let i)):
            guard i != .min else { throw EvaluationError.overflow }
            return .int(-i)
        case (.negate, .double(let d)): return .double(-d)
        case (.negate, .duration(let d)): return .duration(try DurationValue(nanoseconds: -d.nanoseconds))
        default: throw EvaluationError.noOverload(op.rawValue, operand)
        }
    }

    static func binary(
        _ op: BinaryOperator, _ lhs: Value, _ rhs: Value, charging budget: inout Int
    ) throws(EvaluationError) -> Value {
        switch op {
        case .equal: return .bool(lhs == rhs)
        case .notEqual: return .bool(lhs != rhs)
        case .less: return .bool(try order(op, lhs, rhs) == .less)
        case .lessOrEqual: return .bool(try order(op, lhs, rhs) != .greater)
        case .greater: return .bool(try order(op, lhs, rhs) == .greater)
        case .greaterOrEqual: return .bool(try order(op, lhs, rhs) != .less)
        case .in: return .bool(try contains(rhs, lhs))
        case .add: return try add(lhs, rhs, charging: &budget)
        case .subtract, .multiply, .divide, .modulo: return try arithmetic(op, lhs, rhs)
        }
    }

    /// The order of two values of the same orderable kind (or any two numbers); NaN orders as nothing.
    private static func order(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) throws(EvaluationError) -> NumericOrder?
    {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return compare(a.utf8, b.utf8)
        case (.bytes(let a), .bytes(let b)): return compare(a, b)
        case (.bool(let a), .bool(let b)): return a == b ? .equal : (a ? .greater : .less)
        case (.timestamp(let a), .timestamp(let b)): return a == b ? .equal : (a < b ? .less : .greater)
        case (.duration(let a), .duration(let b)): return a == b ? .equal : (a < b ? .less : .greater)
        case (.int, _), (.uint, _), (.double, _):
            switch rhs {
            case .int, .uint, .double: return Value.compareNumbers(lhs, rhs)
            default: break
            }
        default: break
        }
        throw EvaluationError.noOverload(op.rawValue, lhs, rhs)
    }

    private static func compare<C: Collection>(_ a: C, _ b: C) -> NumericOrder where C.Element == UInt8 {
        var left = a.makeIterator()
        var right = b.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return .equal
            case (nil, _): return .less
            case (_, nil): return .greater
            case (let x?, let y?) where x != y: return x < y ? .less : .greater
            default: continue
            }
        }
    }

    private static func contains(_ container: Value, _ element: Value) throws(EvaluationError) -> Bool {
        switch container {
        case .list(let items): return items.contains { $0 == element }
        case .map(let map): return map[element] != nil
        default: throw EvaluationError.noOverload("@in", element, container)
        }
    }

    private static func add(_ lhs: Value, _ rhs: Value, charging budget: inout Int) throws(EvaluationError) -> Value {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)):
            let (sum, overflow) = a.addingReportingOverflow(b)
            guard !overflow else { throw EvaluationError.overflow }
            return .int(sum)
        case (.uint(let a), .uint(let b)):
            let (sum, overflow) = a.addingReportingOverflow(b)
            guard !overflow else { throw EvaluationError.overflow }
            return .uint(sum)
        case (.double(let a), .double(let b)):
            return .double(a + b)
        case (.string(let a), .string(let b)):
            try spend(&budget, (a.utf8.count + b.utf8.count) >> 4)
            return .string(a + b)
        case (.bytes(let a), .bytes(let b)):
            try spend(&budget, (a.count + b.count) >> 4)
            return .bytes(a + b)
        case (.list(let a), .list(let b)):
            try spend(&budget, a.count + b.count)
            return .list(a + b)
        case (.timestamp(let t), .duration(let d)), (.duration(let d), .timestamp(let t)):
            return .timestamp(try TimestampValue(nanoseconds: t.nanoseconds + d.nanoseconds))
        case (.duration(let a), .duration(let b)):
            return .duration(try DurationValue(nanoseconds: a.nanoseconds + b.nanoseconds))
        default:
            throw EvaluationError.noOverload("_+_", lhs, rhs)
        }
    }

    private static func spend(_ budget: inout Int, _ units: Int) throws(EvaluationError) {
        budget -= units
        if budget < 0 { throw EvaluationError("evaluation exceeded its cost limit", isLimit: true) }
    }

    private static func arithmetic(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value) throws(EvaluationError) -> Value {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return .int(try integer(op, a, b))
        case (.uint(let a), .uint(let b)): return .uint(try integer(op, a, b))
        case (.double(let a), .double(let b)) where op != .modulo:
            switch op {
            case .subtract: return .double(a - b)
            case .multiply: return .double(a * b)
            default: return .double(a / b)
            }
        case (.timestamp(let a), .timestamp(let b)) where op == .subtract:
            // As in cel-go, a difference of timestamps must fit 64-bit nanoseconds (about ±292 years).
            let difference = a.nanoseconds - b.nanoseconds
            guard difference >= Int128(Int64.min), difference <= Int128(Int64.max) else {
                throw EvaluationError("range error: timestamp difference overflows a duration")
            }
            return .duration(try DurationValue(nanoseconds: difference))
        case (.timestamp(let t), .duration(let d)) where op == .subtract:
            return .timestamp(try TimestampValue(nanoseconds: t.nanoseconds - d.nanoseconds))
        case (.duration(let a), .duration(let b)) where op == .subtract:
            return .duration(try DurationValue(nanoseconds: a.nanoseconds - b.nanoseconds))
        default:
            throw EvaluationError.noOverload(op.rawValue, lhs, rhs)
        }
    }

    /// `-`, `*`, `/` or `%` of two integers of one kind; leaving the kind's range or dividing by zero is an error.
    private static func integer<T: FixedWidthInteger>(_ op: BinaryOperator, _ a: T, _ b: T) throws(EvaluationError) -> T
    {
        if (op == .divide || op == .modulo) && b == 0 {
            throw EvaluationError(op == .divide ? "divide by zero" : "modulus by zero")
        }
        let (result, overflow) =
            switch op {
            case .subtract: a.subtractingReportingOverflow(b)
            case .multiply: a.multipliedReportingOverflow(by: b)
            case .divide: a.dividedReportingOverflow(by: b)
            default: a.remainderReportingOverflow(dividingBy: b)
            }
        guard !overflow else { throw EvaluationError.overflow }
        return result
    }
}
