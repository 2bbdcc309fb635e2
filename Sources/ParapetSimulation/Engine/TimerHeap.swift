import ParapetCore

/// A timer's place in the heap: ordered by deadline, then by the sequence number it was given when it
/// took its place among the timers (`order`), so timers due at the same instant fire in the order they
/// were set.
///
/// The deadline is kept as its exact attosecond count split into two machine words, so that ordering
/// is plain integer comparison.
struct TimerKey {
    var order: UInt64
    private var high: Int64
    private var low: UInt64
    /// The timer, in ``TimerSlots``.
    var id: TimerID

    /// The key of timer `id`, ordered by its own sequence number.
    init(deadline: MonotonicInstant, id: TimerID) {
        self.init(deadline: deadline, order: id.sequence, id: id)
    }

    init(deadline: MonotonicInstant, order: UInt64, id: TimerID) {
        let attoseconds = deadline.offset.attoseconds
        self.order = order
        self.id = id
        self.high = Int64(truncatingIfNeeded: attoseconds >> 64)
        self.low = UInt64(truncatingIfNeeded: attoseconds)
    }

    var deadline: MonotonicInstant {
        MonotonicInstant(offset: Duration(attoseconds: Int128(high) << 64 | Int128(low)))
    }

    @inline(__always)
    static func precedes(_ lhs: TimerKey, _ rhs: TimerKey) -> Bool {
        if lhs.high != rhs.high { return lhs.high < rhs.high }
        if lhs.low != rhs.low { return lhs.low < rhs.low }
        return lhs.order < rhs.order
    }
}

/// A binary min-heap of ``TimerKey``s.
struct TimerHeap {
    private var keys: [TimerKey] = []

    var min: TimerKey? { keys.first }

    mutating func insert(_ key: TimerKey) {
        keys.append(key)
        keys.withUnsafeMutableBufferPointer { keys in
            var hole = keys.count - 1
            while hole > 0 {
                let parent = (hole - 1) / 2
                guard TimerKey.precedes(key, keys[parent]) else { break }
                keys[hole] = keys[parent]
                hole = parent
            }
            keys[hole] = key
        }
    }

    mutating func popMin() -> TimerKey? {
        guard let first = keys.first else { return nil }
        let last = keys.removeLast()
        guard !keys.isEmpty else { return first }
        keys.withUnsafeMutableBufferPointer { keys in
            let count = keys.count
            var hole = 0
            while true {
                var child = 2 * hole + 1
                guard child < count else { break }
                if child + 1 < count && TimerKey.precedes(keys[child + 1], keys[child]) {
                    child += 1
                }
                guard TimerKey.precedes(keys[child], last) else { break }
                keys[hole] = keys[child]
                hole = child
            }
            keys[hole] = last
        }
        return first
    }
}
