/// `int()`, `uint()`, `double()`, `string()`, `bytes()`, `bool()`, `timestamp()`, `duration()`:
/// conversions that fail with a range error rather than wrap or round silently.
enum Conversions {
    static let functions: [String: FunctionImplementation] = [
        "int": { args throws(EvaluationError) in .int(try toInt(try Builtins.single(args, "int"))) },
        "uint": { args throws(EvaluationError) in .uint(try toUInt(try Builtins.single(args, "uint"))) },
        "double": { args throws(EvaluationError) in .double(try toDouble(try Builtins.single(args, "double"))) },
        "string": { args throws(EvaluationError) in .string(try toString(try Builtins.single(args, "string"))) },
        "bytes": { args throws(EvaluationError) in
            switch try Builtins.single(args, "bytes") {
            case .bytes(let b): return .bytes(b)
            case .string(let s): return .bytes(Array(s.utf8))
            case let other: throw EvaluationError.noOverload("bytes", other)
            }
        },
        "bool": { args throws(EvaluationError) in
            switch try Builtins.single(args, "bool") {
            case .bool(let b): return .bool(b)
            case .string(let s):
                switch s {
                case "1", "t", "true", "TRUE", "True": return .bool(true)
                case "0", "f", "false", "FALSE", "False": return .bool(false)
                default: throw EvaluationError("Type conversion error: cannot convert '\(s)' to bool")
                }
            case let other: throw EvaluationError.noOverload("bool", other)
            }
        },
        "timestamp": { args throws(EvaluationError) in
            switch try Builtins.single(args, "timestamp") {
            case .timestamp(let t): return .timestamp(t)
            case .string(let s): return .timestamp(try TimestampValue(parsing: s))
            case .int(let seconds): return .timestamp(try TimestampValue(nanoseconds: Int128(seconds) * 1_000_000_000))
            case let other: throw EvaluationError.noOverload("timestamp", other)
            }
        },
        "duration": { args throws(EvaluationError) in
            switch try Builtins.single(args, "duration") {
            case .duration(let d): return .duration(d)
            case .string(let s): return .duration(try DurationValue(parsing: s))
            case .int(let seconds): return .duration(try DurationValue(nanoseconds: Int128(seconds) * 1_000_000_000))
            case let other: throw EvaluationError.noOverload("duration", other)
            }
        },
    ]

    static func toInt(_ value: Value) throws(EvaluationError) -> Int64 {
        switch value {
        case .int(let i): return i
        case .uint(let u):
            guard u <= UInt64(Int64.max) else { throw EvaluationError("range error: \(u)u does not fit an int") }
            return Int64(u)
        case .double(let d):
            guard d > -9.223372036854775808e18, d < 9.223372036854775807e18 else {
                throw EvaluationError("range error: \(d) does not fit an int")
            }
            return Int64(d)
        case .string(let s):
            guard let i = Int64(s) else { throw EvaluationError("cannot convert '\(s)' to int") }
            return i
        case .timestamp(let t): return t.seconds
        default: throw EvaluationError.noOverload("int", value)
        }
    }

    static func toUInt(_ value: Value) throws(EvaluationError) -> UInt64 {
        switch value {
        case .uint(let u): return u
        case .int(let i):
            guard i >= 0 else { throw EvaluationError("range error: \(i) does not fit a uint") }
            return UInt64(i)
        case .double(let d):
            guard d > -1, d < 1.8446744073709552e19 else {
                throw EvaluationError("range error: \(d) does not fit a uint")
            }
            return UInt64(d)
        case .string(let s):
            guard let u = UInt64(s) else { throw EvaluationError("cannot convert '\(s)' to uint") }
            return u
        default: throw EvaluationError.noOverload("uint", value)
        }
    }

    static func toDouble(_ value: Value) throws(EvaluationError) -> Double {
        switch value {
        case .double(let d): return d
        case .int(let i): return Double(i)
        case .uint(let u): return Double(u)
        case .string(let s):
            guard let d = Double(s) else { throw EvaluationError("cannot convert '\(s)' to double") }
            return d
        default: throw EvaluationError.noOverload("double", value)
        }
    }

    static func toString(_ value: Value) throws(EvaluationError) -> String {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d): return format(d)
        case .bool(let b): return b ? "true" : "false"
        case .bytes(let b):
            guard let s = String(validating: b, as: UTF8.self) else {
                throw EvaluationError("invalid UTF-8 in bytes converted to string")
            }
            return s
        case .timestamp(let t): return t.description
        case .duration(let d): return d.description
        case .type(let t): return t.name
        default: throw EvaluationError.noOverload("string", value)
        }
    }

    /// The shortest text that reads back as the same double, without a trailing `.0` (`1`, `0.5`, `1e+21`).
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
