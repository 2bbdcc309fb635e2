public import HTTPTypes
import Synchronization

/// A ``CacheStore`` in memory: least recently used entries go first once the stored bytes pass the
/// budget (bodies, fields and a fixed overhead per entry; see ``CachedResponse/cost``). Every operation
/// is O(1) in the number of entries, plus the variants of the one URL it touches.
///
/// A response that alone costs more than the budget is not kept.
///
/// ```swift
/// let store = MemoryCacheStore(byteBudget: 512 << 20)   // 512 MiB
/// ```
public final class MemoryCacheStore: CacheStore {
    private let state: Mutex<LRUEntries<CachedResponse>>

    /// The most bytes the store keeps.
    public let byteBudget: Int

    /// A store that keeps at most `byteBudget` bytes.
    public init(byteBudget: Int) {
        self.byteBudget = byteBudget
        state = Mutex(LRUEntries(budget: byteBudget))
    }

    public func response(for key: String, selectedBy requestFields: HTTPFields) -> CacheLookup {
        CacheLookup(state.withLock { $0.select(key, by: requestFields) })
    }

    /// Every response stored for `key`, newest first; counts as a use.
    func responses(for key: String) -> [CachedResponse] {
        state.withLock { $0.touch(key) }
    }

    public func store(_ response: CachedResponse, for key: String) {
        state.withLock { _ = $0.insert(response, for: key) }
    }

    public func removeAll(for key: String) {
        state.withLock { _ = $0.remove(key) }
    }

    public func sweep(
        from position: Int, limit: Int, removing isDead: @Sendable (String, CachedResponse) -> Bool
    ) -> CacheSweep {
        state.withLock { $0.sweep(from: position, limit: limit, removing: isDead).sweep }
    }

    /// The bytes stored, by ``CachedResponse/cost``.
    public var storedBytes: Int { state.withLock { $0.storedBytes } }

    /// The number of responses stored.
    public var count: Int { state.withLock { $0.count } }
}
