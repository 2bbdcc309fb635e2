/// An immutable value on the heap, shared by every copy of the struct that holds it: for values copied into
/// every request's context and every async frame that holds one, where inline they would push frames past the
/// task allocator's first slab. A copy costs one retain; a change makes a new box.
final class SharedFacts<Facts: Sendable>: Sendable {
    let facts: Facts

    init(_ facts: Facts) {
        self.facts = facts
    }

    /// A box holding `facts` with `field` set to `value`.
    convenience init<Value>(_ facts: Facts, changing field: WritableKeyPath<Facts, Value>, to value: Value) {
        var changed = facts
        changed[keyPath: field] = value
        self.init(changed)
    }
}
