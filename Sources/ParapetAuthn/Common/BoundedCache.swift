import Synchronization

/// A thread-safe map holding at most `capacity` entries, forgetting the oldest insertion first; entries a
/// reader finds stale are dropped on the spot. The store behind the verified-token and forward-auth caches.
final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var entries: [Key: Value] = [:]
        var order: [Key] = []
        var oldest = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The value for `key` if `isFresh` says it still holds; a stale one is removed.
    func value(for key: Key, isFresh: (Value) -> Bool) -> Value? {
        state.withLock { state in
            guard let value = state.entries[key] else { return nil }
            guard isFresh(value) else {
                state.entries[key] = nil
                return nil
            }
            return value
        }
    }

    /// Stores `value` for `key`, forgetting the oldest insertion when full.
    func insert(_ value: Value, for key: Key) {
        state.withLock { state in
            guard state.entries.updateValue(value, forKey: key) == nil else { return }
            if state.order.count < capacity {
                state.order.append(key)
            } else {
                let evicted = state.order[state.oldest]
                if evicted != key { state.entries[evicted] = nil }
                state.order[state.oldest] = key
                state.oldest = (state.oldest + 1) % capacity
            }
        }
    }

    /// How many entries are held.
    var count: Int { state.withLock { $0.entries.count } }
}
