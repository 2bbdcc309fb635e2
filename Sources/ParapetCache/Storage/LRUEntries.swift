package import HTTPTypes

/// What ``LRUEntries`` keeps for one variant of a key: the response (a store that keeps bodies elsewhere
/// keeps it with an empty body) and what it costs against the budget.
package protocol StoredVariant {
    var response: CachedResponse { get }
    var cost: Int { get }
}

extension CachedResponse: StoredVariant {
    package var response: CachedResponse { self }
}

/// The bookkeeping of a store with a byte budget: the variants of each key, and a recency list of keys in
/// slots of an array (no allocation per use), so that touching, inserting and evicting are O(1).
///
/// Operations that make entries go return them, so a store that keeps them elsewhere (files) can delete
/// what no longer counts.
package struct LRUEntries<Entry: StoredVariant> {
    private struct Slot {
        var key: String
        var entries: [Entry]
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
    package private(set) var storedBytes = 0
    package private(set) var count = 0

    package init(budget: Int) {
        self.budget = budget
    }

    /// The entries of `key`, newest first, marking the key used.
    package mutating func touch(_ key: String) -> [Entry] {
        guard let slot = index[key] else { return [] }
        moveToFront(slot)
        return slots[slot].entries
    }

    /// The entry a request with `requestFields` selects among `key`'s variants, and whether the key has
    /// any; marks the key used.
    package mutating func select(_ key: String, by requestFields: HTTPFields) -> (entry: Entry?, keyIsStored: Bool) {
        let entries = touch(key)
        return (entries.first { $0.response.variant.matches(requestFields) }, !entries.isEmpty)
    }

    /// Keeps `entry` as the newest of `key`'s variants; returns the entries no longer kept: the one it
    /// replaces, those evicted for room, or `entry` itself when it alone is over the budget.
    @discardableResult
    package mutating func insert(_ entry: Entry, for key: String) -> [Entry] {
        guard entry.cost <= budget else { return [entry] }
        var entries = [entry]
        var gone: [Entry] = []
        if let slot = index[key] {
            var others: [Entry] = []
            for other in slots[slot].entries {
                if other.response.variant.selectsSameRequests(as: entry.response.variant) {
                    gone.append(other)
                } else {
                    others.append(other)
                }
            }
            // Each lookup walks a key's variants: a `Vary` on a field clients vary at will must not make
            // that walk long. The oldest variants go first.
            entries += others.prefix(Self.maxVariants - 1)
            gone += others.dropFirst(Self.maxVariants - 1)
            unlinkAndFree(key)
        }
        let cost = entries.reduce(0) { $0 + $1.cost }
        let newSlot = Slot(key: key, entries: entries, cost: cost, newer: nil, older: newest)
        let slot: Int
        if let free = freeSlots.popLast() {
            slots[free] = newSlot
            slot = free
        } else {
            slots.append(newSlot)
            slot = slots.count - 1
        }
        if let newest { slots[newest].newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
        index[key] = slot
        storedBytes += cost
        count += entries.count
        return gone + evict(toFit: 0)
    }

    /// Forgets the least recently used keys until `bytes` more fit in the budget; returns what went.
    package mutating func evict(toFit bytes: Int) -> [Entry] {
        var gone: [Entry] = []
        while storedBytes + bytes > budget, let oldest { gone += remove(slots[oldest].key) }
        return gone
    }

    /// Forgets `key`'s variants and returns them.
    @discardableResult
    package mutating func remove(_ key: String) -> [Entry] {
        guard let slot = index[key] else { return [] }
        let entries = slots[slot].entries
        unlinkAndFree(key)
        return entries
    }

    /// Forgets the entries of `key` that `isGone` picks, without counting a use; returns them.
    package mutating func remove(of key: String, where isGone: (Entry) -> Bool) -> [Entry] {
        guard let slot = index[key] else { return [] }
        return retain(in: slot) { !isGone($0) }
    }

    /// Walks the slots in array order, which a use does not change, so a walk in slices neither repeats
    /// nor skips a key that stays stored; returns where it stopped and what it forgot.
    package mutating func sweep(
        from position: Int, limit: Int, removing isDead: (String, CachedResponse) -> Bool
    ) -> (sweep: CacheSweep, removed: [Entry]) {
        var slot = max(0, position)
        var visited = 0
        var removed: [Entry] = []
        while slot < slots.count, visited < limit {
            defer { slot += 1 }
            let key = slots[slot].key
            guard index[key] == slot else { continue }
            visited += 1
            removed += retain(in: slot) { !isDead(key, $0.response) }
        }
        return (CacheSweep(removed: removed.count, next: slot < slots.count ? slot : nil), removed)
    }

    /// The most variants kept per key.
    package static var maxVariants: Int { 32 }

    /// Keeps the entries of `slot` that `keep` picks, forgetting the key when none is left.
    private mutating func retain(in slot: Int, where keep: (Entry) -> Bool) -> [Entry] {
        var kept: [Entry] = []
        var gone: [Entry] = []
        for entry in slots[slot].entries {
            if keep(entry) { kept.append(entry) } else { gone.append(entry) }
        }
        guard !gone.isEmpty else { return [] }
        if kept.isEmpty {
            unlinkAndFree(slots[slot].key)
        } else {
            let cost = kept.reduce(0) { $0 + $1.cost }
            storedBytes += cost - slots[slot].cost
            count -= gone.count
            slots[slot].entries = kept
            slots[slot].cost = cost
        }
        return gone
    }

    private mutating func unlinkAndFree(_ key: String) {
        guard let slot = index.removeValue(forKey: key) else { return }
        unlink(slot)
        storedBytes -= slots[slot].cost
        count -= slots[slot].entries.count
        slots[slot].entries = []
        slots[slot].key = ""
        freeSlots.append(slot)
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
