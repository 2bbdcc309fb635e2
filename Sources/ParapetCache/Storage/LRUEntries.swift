/// The bookkeeping of ``MemoryCacheStore``: the variants of each key, and a recency list of keys in
/// slots of an array (no allocation per use), so that touching, inserting and evicting are O(1).
struct LRUEntries {
    private struct Slot {
        var key: String
        var responses: [CachedResponse]
        var cost: Int
        var newer: Int?
        var older: Int?
    }

    private let budget: Int
    private var slots: [Slot] = []
    private var freeSlots: [Int] = []
    private var index: [String: Int] = [:]
    private var newest: Int?
    private var oldest: Int?
    private(set) var storedBytes = 0
    private(set) var count = 0

    /// The most variants kept per key.
    static let maxVariants = 32

    init(budget: Int) {
        self.budget = budget
    }

    /// The responses of `key`, newest first, marking the key used.
    mutating func touch(_ key: String) -> [CachedResponse] {
        guard let slot = index[key] else { return [] }
        moveToFront(slot)
        return slots[slot].responses
    }

    mutating func insert(_ response: CachedResponse, for key: String) {
        guard response.cost <= budget else { return }
        var responses = [response]
        if let slot = index[key] {
            let others = slots[slot].responses.filter { !$0.variant.selectsSameRequests(as: response.variant) }
            // Each lookup walks a key's variants: a `Vary` on a field clients vary at will must not make
            // that walk long. The oldest variants go first.
            responses += others.prefix(Self.maxVariants - 1)
            remove(key)
        }
        let cost = responses.reduce(0) { $0 + $1.cost }
        let entry = Slot(key: key, responses: responses, cost: cost, newer: nil, older: newest)
        let slot: Int
        if let free = freeSlots.popLast() {
            slots[free] = entry
            slot = free
        } else {
            slots.append(entry)
            slot = slots.count - 1
        }
        if let newest { slots[newest].newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
        index[key] = slot
        storedBytes += cost
        count += responses.count
        while storedBytes > budget, let oldest { remove(slots[oldest].key) }
    }

    mutating func remove(_ key: String) {
        guard let slot = index.removeValue(forKey: key) else { return }
        unlink(slot)
        storedBytes -= slots[slot].cost
        count -= slots[slot].responses.count
        slots[slot].responses = []
        slots[slot].key = ""
        freeSlots.append(slot)
    }

    /// Walks the slots in array order, which a use does not change, so a walk in slices neither repeats
    /// nor skips a key that stays stored.
    mutating func sweep(
        from position: Int, limit: Int, removing isDead: (String, CachedResponse) -> Bool
    ) -> CacheSweep {
        var slot = max(0, position)
        var visited = 0
        var removed = 0
        while slot < slots.count, visited < limit {
            defer { slot += 1 }
            let key = slots[slot].key
            guard index[key] == slot else { continue }
            visited += 1
            let responses = slots[slot].responses
            let kept = responses.filter { !isDead(key, $0) }
            guard kept.count < responses.count else { continue }
            removed += responses.count - kept.count
            if kept.isEmpty {
                remove(key)
            } else {
                let cost = kept.reduce(0) { $0 + $1.cost }
                storedBytes += cost - slots[slot].cost
                count -= responses.count - kept.count
                slots[slot].responses = kept
                slots[slot].cost = cost
            }
        }
        return CacheSweep(removed: removed, next: slot < slots.count ? slot : nil)
    }

    private mutating func moveToFront(_ slot: Int) {
        guard newest != slot else { return }
        unlink(slot)
        slots[slot].older = newest
        slots[slot].newer = nil
        if let newest { slots[newest].newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (slots[slot].newer, slots[slot].older)
        if let newer { slots[newer].older = older } else { newest = older }
        if let older { slots[older].newer = newer } else { oldest = newer }
        slots[slot].newer = nil
        slots[slot].older = nil
    }
}
