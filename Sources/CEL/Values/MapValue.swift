/// A CEL map: keys of kinds `bool`, `int`, `uint` and `string`, mixed freely, kept in insertion order.
///
/// Numeric keys are one key space: `{1: 'a'}[1u]` and `{1u: 'a'}[1.0]` both find `'a'`, and a literal
/// with both `0` and `0u` is a repeated key.
public struct MapValue: Sendable, Equatable {
    /// The keys, in insertion order.
    public private(set) var keys: [Value] = []
    /// The values, in the order of ``keys``.
    public private(set) var values: [Value] = []
    private var index: [Key: Int] = [:]

    /// A key normalised so that equal numbers of different kinds are one key. Strings compare and hash by
    /// their UTF-8 bytes: CEL does not normalise, so `'é'` and `'e\u0301'` are two keys (Swift's own
    /// `String` equality would make them one).
    enum Key: Hashable {
        case bool(Bool)
        case int(Int64)
        case bigUInt(UInt64)
        case string(String)

        static func == (lhs: Key, rhs: Key) -> Bool {
            switch (lhs, rhs) {
            case (.bool(let a), .bool(let b)): a == b
            case (.int(let a), .int(let b)): a == b
            case (.bigUInt(let a), .bigUInt(let b)): a == b
            case (.string(let a), .string(let b)): a.utf8.elementsEqual(b.utf8)
            default: false
            }
        }

        func hash(into hasher: inout Hasher) {
            switch self {
            case .bool(let b): hasher.combine(b)
            case .int(let i): hasher.combine(i)
            case .bigUInt(let u): hasher.combine(u)
            case .string(let s):
                hasher.combine(3 as UInt8)
                var copy = s
                copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            }
        }

        /// The key for a map's own keys; nil for kinds that cannot be keys.
        init?(storing value: Value) {
            switch value {
            case .bool(let b): self = .bool(b)
            case .int(let i): self = .int(i)
            case .uint(let u): self = u <= UInt64(Int64.max) ? .int(Int64(u)) : .bigUInt(u)
            case .string(let s): self = .string(s)
            default: return nil
            }
        }

        /// The key a lookup means: like ``init(storing:)``, but a whole double also finds its integer.
        init?(lookingUp value: Value) {
            if case .double(let d) = value {
                guard d == d.rounded(.towardZero) else { return nil }
                if d >= -9.223372036854775808e18 && d < 9.223372036854775808e18 {
                    self = .int(Int64(d))
                } else if d >= 0 && d < 1.8446744073709552e19 {
                    self = .bigUInt(UInt64(d))
                } else {
                    return nil
                }
                return
            }
            self.init(storing: value)
        }
    }

    /// An empty map.
    public init() {}

    /// Builds a map from key/value pairs, refusing keys of kinds maps cannot hold and repeated keys.
    public init(_ pairs: [(Value, Value)]) throws(EvaluationError) {
        for (key, value) in pairs {
            try insert(key, value)
        }
    }

    mutating func insert(_ key: Value, _ value: Value) throws(EvaluationError) {
        guard let normalised = Key(storing: key) else {
            throw EvaluationError("unsupported key type \(key.type.name) in a map")
        }
        guard index[normalised] == nil else { throw EvaluationError("Failed with repeated key \(key)") }
        index[normalised] = keys.count
        keys.append(key)
        values.append(value)
    }

    /// How many entries the map holds.
    public var count: Int { keys.count }

    /// The value under `key`, or nil when absent (including keys of kinds maps cannot hold).
    public subscript(key: Value) -> Value? {
        guard let normalised = Key(lookingUp: key), let position = index[normalised] else { return nil }
        return values[position]
    }

    /// The value under a string key.
    public subscript(key: String) -> Value? {
        guard let position = index[.string(key)] else { return nil }
        return values[position]
    }

    public static func == (lhs: MapValue, rhs: MapValue) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in zip(lhs.keys, lhs.values) {
            guard let other = rhs[key], other == value else { return false }
        }
        return true
    }
}

extension Value: CustomStringConvertible {
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .int(let i): return "\(i)"
        case .uint(let u): return "\(u)u"
        case .double(let d): return "\(d)"
        case .string(let s): return "\"\(s)\""
        case .bytes(let b): return "b\"\(String(decoding: b, as: UTF8.self))\""
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let map):
            return "{" + zip(map.keys, map.values).map { "\($0): \($1)" }.joined(separator: ", ") + "}"
        case .type(let type): return type.name
        case .timestamp(let t): return "timestamp(\"\(t)\")"
        case .duration(let d): return "duration(\"\(d)\")"
        }
    }
}
