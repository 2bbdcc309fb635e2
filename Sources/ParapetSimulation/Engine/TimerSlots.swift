import ParapetCore

/// Names one timer: the slab slot that holds it and the sequence number it was given. Slots are reused once
/// a timer is gone; sequence numbers never are, so a stale identity (a cancelled timer's heap key, a late
/// cancellation) no longer matches its slot.
struct TimerID: Sendable, Hashable {
    var slot: UInt32
    var sequence: UInt64
}

/// What a timer waits to do when it comes due.
enum TimerEntry {
    /// Reserved by a sleeper that has not parked its continuation yet.
    case reserved
    /// Cancelled after being reserved, before being scheduled: scheduling it fails at once.
    case cancelledBeforeScheduling
    /// A sleeper to resume.
    case sleeper(UnsafeContinuation<Void, any Error>)
    /// A task's first job, held back until the task's start time.
    case job(UnownedJob)
    /// A callback due at `deadline`, waiting in the ready queue to be put on the heap.
    case arming(at: MonotonicInstant, @Sendable () -> Void)
    /// A callback on the heap.
    case callback(@Sendable () -> Void)
}

/// The live timers, in a slab of reusable slots: looking a timer up, adding and removing one cost no hashing
/// and, once the slab has grown to the most timers ever live at once, no allocation.
struct TimerSlots {
    private var sequences: [UInt64] = []
    private var entries: [TimerEntry?] = []
    private var freeSlots: [UInt32] = []

    /// Stores `entry` for the timer numbered `sequence` and returns its identity.
    mutating func insert(_ entry: TimerEntry, sequence: UInt64) -> TimerID {
        if let slot = freeSlots.popLast() {
            sequences[Int(slot)] = sequence
            entries[Int(slot)] = entry
            return TimerID(slot: slot, sequence: sequence)
        }
        sequences.append(sequence)
        entries.append(entry)
        return TimerID(slot: UInt32(entries.count - 1), sequence: sequence)
    }

    /// The entry of timer `id`, or `nil` once it is gone.
    subscript(id: TimerID) -> TimerEntry? {
        let slot = Int(id.slot)
        return sequences[slot] == id.sequence ? entries[slot] : nil
    }

    /// Replaces the entry of timer `id`, which must still be live.
    mutating func update(_ id: TimerID, to entry: TimerEntry) {
        entries[Int(id.slot)] = entry
    }

    /// Removes timer `id` and returns its entry, or returns `nil` if it was already gone.
    mutating func remove(_ id: TimerID) -> TimerEntry? {
        let slot = Int(id.slot)
        guard sequences[slot] == id.sequence, let entry = entries[slot] else { return nil }
        entries[slot] = nil
        freeSlots.append(id.slot)
        return entry
    }
}
