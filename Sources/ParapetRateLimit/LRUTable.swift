/// Values by key in order of last use, at most ``capacity`` of them: a new key in a full table takes the
/// place of the least recently used one. The per-key state of the window and bucket limiters lives in one.
///
/// A pure value: every operation is O(1) but a sweep, which examines a bounded number of keys per call, so
/// the lock around the table is never held for the whole table. Keys sit in a doubly linked list threaded
/// through one dense array (a removed entry's slot is filled by the last entry), from the least to the most
/// recently used.
///
/// ```swift
/// var table = LRUTable<String, Int>(capacity: 2)
/// table.update("a", initial: 0) { $0 += 1 }
/// table.update("b", initial: 0) { $0 += 1 }
/// table.update("c", initial: 0) { $0 += 1 }   // "a", least recently used, makes room
/// table.beginSweep()
/// _ = table.continueSweep(examining: 100) { $0 > 0 }   // true: the pass is over, the table empty
/// ```
struct LRUTable<Key: Hashable, Value> {
    /// One key in the order of use.
    struct Entry {
        var key: Key
        var value: Value
        /// The entry used just before this one, or ``none``.
        var older: Int
        /// The entry used just after this one, or ``none``.
        var newer: Int
    }

    private static var none: Int { -1 }

    /// The most keys held at once (at least 1).
    let capacity: Int
    private var positions: [Key: Int] = [:]
    private var entries: [Entry] = []
    private var oldest = none
    private var newest = none
    /// The next entry the sweep pass in progress examines, or ``none``.
    private var sweepCursor = none
    /// How many more entries the pass in progress may examine: the count when it began, so that keys
    /// touched during the pass (which move behind the cursor) cannot keep it going for ever.
    private var sweepBudget = 0

    /// An empty table holding at most `capacity` keys (at least 1).
    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    /// The number of keys held.
    var count: Int { entries.count }

    /// Whether `key` is held.
    func contains(_ key: Key) -> Bool { positions[key] != nil }

    /// Runs `body` on `key`'s value — `initial` for a key not held — and marks `key` the most recently
    /// used. A new key in a full table first evicts the least recently used one.
    mutating func update<Result>(
        _ key: Key, initial: @autoclosure () -> Value, _ body: (inout Value) -> Result
    ) -> Result {
        if let position = positions[key] {
            moveToNewest(position)
            return body(&entries[position].value)
        }
        if entries.count >= capacity {
            remove(at: oldest)
        }
        var value = initial()
        let result = body(&value)
        let position = entries.count
        entries.append(Entry(key: key, value: value, older: Self.none, newer: Self.none))
        positions[key] = position
        linkAsNewest(position)
        return result
    }

    /// Starts a pass over the keys held now, least recently used first; a pass in progress starts over.
    mutating func beginSweep() {
        sweepCursor = oldest
        sweepBudget = entries.count
    }

    /// Examines up to `limit` more keys of the pass ``beginSweep()`` started, removing those whose value
    /// `isRemovable` holds for.
    ///
    /// A key used while the pass is under way becomes the most recently used and is examined again near
    /// the end, budget permitting; every key held when the pass began and not used since is examined once.
    ///
    /// - Returns: whether the pass is over.
    mutating func continueSweep(examining limit: Int, removing isRemovable: (Value) -> Bool) -> Bool {
        var examined = 0
        while sweepCursor != Self.none, sweepBudget > 0, examined < limit {
            let position = sweepCursor
            sweepCursor = entries[position].newer
            sweepBudget -= 1
            examined += 1
            if isRemovable(entries[position].value) {
                remove(at: position)
            }
        }
        guard sweepCursor == Self.none || sweepBudget == 0 else { return false }
        sweepCursor = Self.none
        return true
    }

    private mutating func moveToNewest(_ position: Int) {
        guard position != newest else { return }
        unlink(position)
        linkAsNewest(position)
    }

    /// Removes the entry at `position`, moving the last entry into its slot.
    private mutating func remove(at position: Int) {
        unlink(position)
        positions[entries[position].key] = nil
        let last = entries.count - 1
        if position != last {
            let moved = entries[last]
            entries[position] = moved
            positions[moved.key] = position
            if moved.older != Self.none { entries[moved.older].newer = position } else { oldest = position }
            if moved.newer != Self.none { entries[moved.newer].older = position } else { newest = position }
            if sweepCursor == last { sweepCursor = position }
        }
        entries.removeLast()
    }

    /// Takes the entry at `position` out of the order of use (a sweep about to examine it moves on first).
    private mutating func unlink(_ position: Int) {
        let entry = entries[position]
        if sweepCursor == position { sweepCursor = entry.newer }
        if entry.older != Self.none { entries[entry.older].newer = entry.newer } else { oldest = entry.newer }
        if entry.newer != Self.none { entries[entry.newer].older = entry.older } else { newest = entry.older }
    }

    private mutating func linkAsNewest(_ position: Int) {
        entries[position].older = newest
        entries[position].newer = Self.none
        if newest != Self.none { entries[newest].newer = position } else { oldest = position }
        newest = position
    }
}

extension LRUTable: Sendable where Key: Sendable, Value: Sendable {}
extension LRUTable.Entry: Sendable where Key: Sendable, Value: Sendable {}
