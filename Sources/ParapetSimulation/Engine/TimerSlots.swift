import ParapetCore

/// Names one timer: the slab slot that holds it and the sequence number it was given. Slots are reused once
/// a timer is gone; sequence numbers never are, so a stale identity (a cancelled timer's queued key, a late
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
    /// A callback due at `deadline`, waiting in the ready queue to join the timer queue.
    case arming(at: MonotonicInstant, @Sendable () -> Void)
    /// A callback in the timer queue.
    case callback(@Sendable () -> Void)
}

/// The live timers, in a slab of reusable slots: looking a timer up, adding and removing one cost no hashing
/// and, once the slab has grown to the most timers ever live at once, no allocation.
struct TimerSlots {
    /// A slot: the sequence number of the timer it holds or last held, and that timer's entry while it is live.
    private struct Slot {
        var sequence: UInt64
        var entry: TimerEntry?
    }

    private var slots: [Slot] = []
    private var freeSlots: [UInt32] = []

    /// Stores `entry` for the timer numbered `sequence` and returns its identity.
    mutating func insert(_ entry: TimerEntry, sequence: UInt64) -> TimerID {
        if let slot = freeSlots.popLast() {
            slots[Int(slot)] = Slot(sequence: sequence, entry: entry)
            return TimerID(slot: slot, sequence: sequence)
        }
        slots.append(Slot(sequence: sequence, entry: entry))
        return TimerID(slot: UInt32(slots.count - 1), sequence: sequence)
    }

    /// The entry of timer `id`, or `nil` once it is gone.
    subscript(id: TimerID) -> TimerEntry? {
        let slot = slots[Int(id.slot)]
        return slot.sequence == id.sequence ? slot.entry : nil
    }

    /// Replaces the entry of timer `id`, which must still be live.
    mutating func update(_ id: TimerID, to entry: TimerEntry) {
        slots[Int(id.slot)].entry = entry
    }

    /// Removes timer `id` and returns its entry, or returns `nil` if it was already gone.
    mutating func remove(_ id: TimerID) -> TimerEntry? {
        let index = Int(id.slot)
        guard slots[index].sequence == id.sequence, let entry = slots[index].entry else { return nil }
        slots[index].entry = nil
        freeSlots.append(id.slot)
        return entry
    }
}
