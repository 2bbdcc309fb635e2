/// A JSON value as a JOSE header or JWT claims set carries it, decoded strictly (see
/// ``JSONValue/parse(_:maxDepth:)``) so that what Parapet checks is exactly what the signer signed.
///
/// Claims reach later middlewares as ``JWT/Claims``, whose members are `JSONValue`s:
///
/// ```swift
/// if case .string(let tenant)? = context.jwtClaims?["tenant"] { … }
/// ```
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number. JSON does not distinguish integers; JWT dates (`exp`, `nbf`, `iat`) may carry fractions.
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// An object's members in the order they appeared; names are unique (duplicates are a parse error).
    case object([(name: String, value: JSONValue)])

    /// The member `name` of an object; `nil` for a missing member or a value that is not an object.
    public subscript(name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.name == name }?.value
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// The number, when this is a number.
    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && $0.value == $1.value }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .number(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let values): hasher.combine(values)
        case .object(let members):
            hasher.combine(members.count)
            for member in members {
                hasher.combine(member.name)
                hasher.combine(member.value)
            }
        }
    }
}
