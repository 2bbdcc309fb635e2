/// What the ready queue holds: a runnable job, or a callback timer to put in the timer queue once the jobs queued
/// before it have run (``SimulationExecutor/scheduleCallback(at:_:)``).
enum ReadyItem {
    case job(UnownedJob)
    case arm(TimerID)
}

/// A first-in, first-out queue of runnable jobs: a ring buffer whose capacity, a power of two, doubles when
/// full, so that neither appending nor popping moves the other jobs (the queue empties after almost every
/// event).
struct ReadyQueue {
    private var items: [ReadyItem?] = Array(repeating: nil, count: 64)
    private var head = 0

    /// Items waiting.
    private(set) var count = 0

    mutating func append(_ item: ReadyItem) {
        if count == items.count {
            let mask = items.count - 1
            items = (0..<count).map { items[(head + $0) & mask] } + Array(repeating: nil, count: count)
            head = 0
        }
        items[(head + count) & (items.count - 1)] = item
        count += 1
    }

    mutating func popFirst() -> ReadyItem? {
        guard count > 0 else { return nil }
        let item = items[head]
        items[head] = nil
        head = (head + 1) & (items.count - 1)
        count -= 1
        return item
    }
}
