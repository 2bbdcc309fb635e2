/// A backend's service slots as a pure value: `concurrency` servers taking requests first-in-first-out, with a
/// bounded queue. It computes, at admission, when a request will start and finish — a request holds its slot
/// for its whole service time, whether or not its caller waits for it — so a capacity-limited backend needs
/// no extra tasks or wake-ups.
///
/// Times are nanoseconds of virtual time.
struct CapacitySchedule: Sendable, Hashable {
    /// When each slot is next free: a binary min-heap.
    private var freeAt: [Int64]
    /// Start times of admitted requests still waiting, non-decreasing (FIFO admission makes them so).
    private var waiting: [Int64] = []
    private var waitingHead = 0
    let queueLimit: Int

    init(concurrency: Int, queue: Int) {
        freeAt = Array(repeating: 0, count: max(concurrency, 1))
        queueLimit = max(queue, 0)
    }

    /// Carries the busy slots over to a new capacity (the work in service goes on).
    func resized(concurrency: Int, queue: Int) -> CapacitySchedule {
        var resized = CapacitySchedule(concurrency: concurrency, queue: queue)
        let busiest = freeAt.sorted(by: >).prefix(resized.freeAt.count)
        for (slot, time) in busiest.enumerated() { resized.freeAt[slot] = time }
        resized.freeAt.sort()  // a sorted array is a valid min-heap
        return resized
    }

    /// Requests waiting for a slot at `now`.
    mutating func queueLength(at now: Int64) -> Int {
        while waitingHead < waiting.count, waiting[waitingHead] <= now { waitingHead += 1 }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
        } else if waitingHead >= 1_024 && waitingHead * 2 >= waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
        return waiting.count - waitingHead
    }

    /// Admits a request arriving at `now` needing `service`: the instant it finishes, or `nil` when every
    /// slot is busy and the queue is full.
    mutating func admit(at now: Int64, service: Int64) -> Int64? {
        let queued = queueLength(at: now)
        let earliest = freeAt[0]
        let start: Int64
        if earliest <= now {
            start = now
        } else {
            guard queued < queueLimit else { return nil }
            start = earliest
            waiting.append(start)
        }
        let finish = start &+ service
        replaceMinimum(with: finish)
        return finish
    }

    private mutating func replaceMinimum(with value: Int64) {
        freeAt.withUnsafeMutableBufferPointer { heap in
            let count = heap.count
            var hole = 0
            while true {
                var child = 2 * hole + 1
                guard child < count else { break }
                if child + 1 < count && heap[child + 1] < heap[child] { child += 1 }
                guard heap[child] < value else { break }
                heap[hole] = heap[child]
                hole = child
            }
            heap[hole] = value
        }
    }
}
