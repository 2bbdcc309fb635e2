/// A CEL value.
///
/// Equality (`==`) is CEL's: numbers compare by value across `int`, `uint` and `double`
/// (`1 == 1u == 1.0`, NaN equals nothing), lists and maps element by element, and values of different
/// kinds are simply unequal.
public enum Value: Sendable {
    /// `null`
    case null
    /// `true` or `false`
    case bool(Bool)
    /// A 64-bit signed integer; arithmetic that leaves its range is an error, never a wrap.
    case int(Int64)
    /// A 64-bit unsigned integer; arithmetic that leaves its range is an error.
    case uint(UInt64)
    /// An IEEE 754 double; overflow gives infinity, as the language defines.
    case double(Double)
    /// Unicode text; sizes and comparisons count code points, never normalising.
    case string(String)
    /// Raw bytes.
    case bytes([UInt8])
    /// A list of values of any kinds.
    case list([Value])
    /// A map with `bool`, `int`, `uint` or `string` keys of any mix.
    case map(MapValue)
    /// A type as a value: what `type(x)` returns and what `int` or `string` denote.
    case type(ValueType)
    /// A point in time (`google.protobuf.Timestamp`).
    case timestamp(TimestampValue)
    /// A span of time (`google.protobuf.Duration`).
    case duration(DurationValue)
}

extension Value: Equatable {
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
        case (.map(let a), .map(let b)): return a == b
        case (.type(let a), .type(let b)): return a == b
        case (.timestamp(let a), .timestamp(let b)): return a == b
        case (.duration(let a), .duration(let b)): return a == b
        default: return Value.compareNumbers(lhs, rhs) == .some(.equal)
        }
    }
}

/// The result of comparing two numbers.
enum NumericOrder {
    case less, equal, greater
}

extension Value {
    /// Orders two numbers of any numeric kinds: `int` against `uint` exactly, either against a `double`
    /// as doubles (the language definition's rule); nil when either is not a number or either is NaN.
    static func compareNumbers(_ lhs: Value, _ rhs: Value) -> NumericOrder? {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return order(a, b)
        case (.uint(let a), .uint(let b)): return order(a, b)
        case (.double(let a), .double(let b)):
            if a.isNaN || b.isNaN { return nil }
            return order(a, b)
        case (.int(let a), .uint(let b)): return a < 0 ? .less : order(UInt64(a), b)
        case (.uint(let a), .int(let b)): return b < 0 ? .greater : order(a, UInt64(b))
        // Mixed with a double, integers compare as doubles (so 2⁶³-1 equals 9223372036854775808.0).
        case (.int(let a), .double(let b)): return b.isNaN ? nil : order(Double(a), b)
        case (.uint(let a), .double(let b)): return b.isNaN ? nil : order(Double(a), b)
        case (.double(let a), .int(let b)): return a.isNaN ? nil : order(a, Double(b))
        case (.double(let a), .uint(let b)): return a.isNaN ? nil : order(a, Double(b))
        default: return nil
        }
    }

    private static func order<T: Comparable>(_ a: T, _ b: T) -> NumericOrder {
        a < b ? .less : (a == b ? .equal : .greater)
    }

    /// The value's runtime type, as `type(x)` reports it.
    public var type: ValueType {
        switch self {
        case .null: .null
        case .bool: .bool
        case .int: .int
        case .uint: .uint
        case .double: .double
        case .string: .string
        case .bytes: .bytes
        case .list: .list(.dyn)
        case .map: .map(.dyn, .dyn)
        case .type: .type(nil)
        case .timestamp: .timestamp
        case .duration: .duration
        }
    }
}
