/// A key for a typed value carried on a request's ``RequestContext``.
///
/// ```swift
/// enum RequestIDKey: RequestValueKey { typealias Value = String }
/// context.values[RequestIDKey.self] = "7f3a…"
/// let id = context.values[RequestIDKey.self]
/// ```
public protocol RequestValueKey {
    /// The type of value stored under the key.
    associatedtype Value: Sendable
}

/// Typed, request-scoped values: a request ID, verified JWT claims, the upstream chosen for logging.
///
/// Like the request, values flow inward: a middleware sets a value on its copy of the context before
/// calling the next handler, which sees it; the outer caller's copy is unchanged. To pass facts outward
/// (an inner upstream telling an outer logger which target served), store a reference type.
public struct RequestValues: Sendable {
    private var entries: [(key: ObjectIdentifier, value: any Sendable)] = []

    /// An empty set of values.
    public init() {}

    /// The value stored under `key`, or `nil`.
    public subscript<Key: RequestValueKey>(key: Key.Type) -> Key.Value? {
        get {
            let id = ObjectIdentifier(key)
            for entry in entries where entry.key == id {
                return entry.value as? Key.Value
            }
            return nil
        }
        set {
            let id = ObjectIdentifier(key)
            if let index = entries.firstIndex(where: { $0.key == id }) {
                if let newValue {
                    entries[index].value = newValue
                } else {
                    entries.remove(at: index)
                }
            } else if let newValue {
                entries.append((id, newValue))
            }
        }
    }
}
