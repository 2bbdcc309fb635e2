/// The result types of the standard functions for given argument types, or nil when no overload takes them.
enum BuiltinTypes {
    static func result(of function: String, for arguments: [ValueType]) -> ValueType? {
        func accepts(_ expected: ValueType...) -> Bool {
            arguments.count == expected.count && zip(arguments, expected).allSatisfy { assignable($0, $1) }
        }
        func acceptsOne(of kinds: [ValueType]) -> Bool {
            arguments.count == 1 && (arguments[0] == .dyn || kinds.contains { assignable(arguments[0], $0) })
        }
        switch function {
        case "size":
            return acceptsOne(of: [.string, .bytes, .list(.dyn), .map(.dyn, .dyn)]) ? .int : nil
        case "contains", "startsWith", "endsWith", "matches":
            return accepts(.string, .string) ? .bool : nil
        case "int": return acceptsOne(of: [.int, .uint, .double, .string, .timestamp]) ? .int : nil
        case "uint": return acceptsOne(of: [.int, .uint, .double, .string]) ? .uint : nil
        case "double": return acceptsOne(of: [.int, .uint, .double, .string]) ? .double : nil
        case "string":
            return acceptsOne(of: [.string, .int, .uint, .double, .bool, .bytes, .timestamp, .duration, .type(nil)])
                ? .string : nil
        case "bytes": return acceptsOne(of: [.string, .bytes]) ? .bytes : nil
        case "bool": return acceptsOne(of: [.string, .bool]) ? .bool : nil
        case "timestamp": return acceptsOne(of: [.string, .int, .timestamp]) ? .timestamp : nil
        case "duration": return acceptsOne(of: [.string, .int, .duration]) ? .duration : nil
        case "dyn": return arguments.count == 1 ? .dyn : nil
        case "type": return arguments.count == 1 ? .type(arguments[0]) : nil
        case "getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear":
            return accepts(.timestamp) || accepts(.timestamp, .string) ? .int : nil
        case "getHours", "getMinutes", "getSeconds", "getMilliseconds":
            return accepts(.timestamp) || accepts(.timestamp, .string) || accepts(.duration) ? .int : nil
        default:
            return nil
        }
    }
}
