/// A CEL type: what the checker infers and what `type(x)` returns at run time (where lists and maps
/// carry no element types: `type([1]) == type(['a'])`).
public indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    /// The type of `null` (`null_type`) and the scalar types.
    case null, bool, int, uint, double, string, bytes, timestamp, duration
    /// A list with elements of the given type.
    case list(ValueType)
    /// A map from the first type to the second.
    case map(ValueType, ValueType)
    /// The type of types; `type(T)` when the checker knows which type it denotes.
    case type(ValueType?)
    /// Any type: what the checker assumes where it cannot know.
    case dyn
    /// A named type this module has no definition of (a protobuf message).
    case named(String)

    /// The name CEL gives the type (`int`, `list`, `google.protobuf.Timestamp`).
    public var name: String {
        switch self {
        case .null: "null_type"
        case .bool: "bool"
        case .int: "int"
        case .uint: "uint"
        case .double: "double"
        case .string: "string"
        case .bytes: "bytes"
        case .timestamp: "google.protobuf.Timestamp"
        case .duration: "google.protobuf.Duration"
        case .list: "list"
        case .map: "map"
        case .type: "type"
        case .dyn: "dyn"
        case .named(let name): name
        }
    }

    /// The type as declarations write it: `list(string)`, `map(string, dyn)`.
    public var description: String {
        switch self {
        case .list(let element): "list(\(element))"
        case .map(let key, let value): "map(\(key), \(value))"
        case .type(let denoted?): "type(\(denoted))"
        default: name
        }
    }

    /// The type an identifier denotes when no variable of that name exists (`int`, `list`, …).
    ///
    /// A function rather than a global table: a global holding indirect cases is reported as a leak by
    /// LeakSanitizer under the fuzzer.
    static func denoted(by name: some StringProtocol) -> ValueType? {
        switch name {
        case "null_type": .null
        case "bool": .bool
        case "int": .int
        case "uint": .uint
        case "double": .double
        case "string": .string
        case "bytes": .bytes
        case "list": .list(.dyn)
        case "map": .map(.dyn, .dyn)
        case "type": .type(nil)
        case "google.protobuf.Timestamp": .timestamp
        case "google.protobuf.Duration": .duration
        default: nil
        }
    }

    /// Parses a type as written in declarations: `int`, `list(string)`, `map(string, dyn)`.
    public init?(parsing text: String) {
        var rest = Substring(text.filter { $0 != " " })
        guard let parsed = ValueType.parse(&rest), rest.isEmpty else { return nil }
        self = parsed
    }

    private static func parse(_ text: inout Substring) -> ValueType? {
        let name = text.prefix { $0 != "(" && $0 != ")" && $0 != "," }
        text = text.dropFirst(name.count)
        if text.first == "(" {
            text = text.dropFirst()
            var arguments: [ValueType] = []
            while let argument = parse(&text) {
                arguments.append(argument)
                if text.first == "," { text = text.dropFirst() } else { break }
            }
            guard text.first == ")" else { return nil }
            text = text.dropFirst()
            switch (name, arguments.count) {
            case ("list", 1): return .list(arguments[0])
            case ("map", 2): return .map(arguments[0], arguments[1])
            case ("type", 1): return .type(arguments[0])
            default: return nil
            }
        }
        switch name {
        case "dyn": return .dyn
        case "": return nil
        default: return denoted(by: name) ?? .named(String(name))
        }
    }
}
