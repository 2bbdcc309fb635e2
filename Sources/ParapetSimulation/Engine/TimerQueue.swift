/// The pending timers, taken in (deadline, order) order: a ``TimerHeap``, and beside it two first-in, first-out
/// runs for the timers that are mostly set in that order already — held task starts (a batch's arrivals, in
/// time order) and callbacks (mostly a constant delay ahead, such as a hedge delay). Those take no sifting, so
/// the heap keeps only the rest (sleeps, mostly) and stays shallow. A key set out of its run's order goes to
/// the heap.
struct TimerQueue {
    /// Where a key is kept.
    enum Place {
        case heap
        case heldStarts
        case callbacks
    }

    private var heap = TimerHeap()
    private var heldStarts = TimerRun()
    private var callbacks = TimerRun()

    /// Adds `key`, in the run of `place` when it follows that run's last key.
    mutating func insert(_ key: TimerKey, preferring place: Place) {
        switch place {
        case .heldStarts where heldStarts.accepts(key): heldStarts.append(key)
        case .callbacks where callbacks.accepts(key): callbacks.append(key)
        default: heap.insert(key)
        }
    }

    /// The next timer due, and where it is kept.
    @inline(__always)
    var next: (key: TimerKey, place: Place)? {
        var next: (key: TimerKey, place: Place)?
        Self.consider(heap.min, at: .heap, for: &next)
        Self.consider(heldStarts.first, at: .heldStarts, for: &next)
        Self.consider(callbacks.first, at: .callbacks, for: &next)
        return next
    }

    @inline(__always)
    private static func consider(_ key: TimerKey?, at place: Place, for next: inout (key: TimerKey, place: Place)?) {
        guard let key else { return }
        if let current = next, !TimerKey.precedes(key, current.key) { return }
        next = (key, place)
    }

    /// Removes the first key kept at `place`: the one ``next`` named.
    mutating func removeFirst(at place: Place) {
        switch place {
        case .heap: _ = heap.popMin()
        case .heldStarts: heldStarts.removeFirst()
        case .callbacks: callbacks.removeFirst()
        }
    }
}

/// Keys in increasing order, taken from the front: an array read from a moving head, compacted once the
/// taken part dominates (a run fed without pause never empties).
private struct TimerRun {
    private var keys: [TimerKey] = []
    private var head = 0

    var first: TimerKey? { head < keys.count ? keys[head] : nil }

    func accepts(_ key: TimerKey) -> Bool {
        head == keys.count || TimerKey.precedes(keys[keys.count - 1], key)
    }

    mutating func append(_ key: TimerKey) {
        keys.append(key)
    }

    mutating func removeFirst() {
        head += 1
        if head == keys.count {
            keys.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1_024 && 2 * head >= keys.count {
            keys.removeSubrange(0..<head)
            head = 0
        }
    }
}
