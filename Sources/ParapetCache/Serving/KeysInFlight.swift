import Synchronization

/// The keys with work in flight — a background revalidation — so each key has at most one.
final class KeysInFlight: Sendable {
    private let keys = Mutex<Set<String>>([])

    /// Claims `key`; `false` when it is already claimed.
    func claim(_ key: String) -> Bool {
        keys.withLock { $0.insert(key).inserted }
    }

    /// Gives `key` back once its work is done, whatever its outcome.
    func release(_ key: String) {
        _ = keys.withLock { $0.remove(key) }
    }
}
