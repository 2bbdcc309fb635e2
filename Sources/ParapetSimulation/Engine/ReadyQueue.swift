/// A first-in, first-out queue of runnable jobs: a ring buffer whose capacity, a power of two, doubles when
/// full, so that neither appending nor popping moves the other jobs (the queue empties after almost every
/// event).
struct ReadyQueue {
    private var jobs: [UnownedJob?] = Array(repeating: nil, count: 64)
    private var head = 0

    /// Jobs waiting.
    private(set) var count = 0

    mutating func append(_ job: UnownedJob) {
        if count == jobs.count {
            let mask = jobs.count - 1
            jobs = (0..<count).map { jobs[(head + $0) & mask] } + Array(repeating: nil, count: count)
            head = 0
        }
        jobs[(head + count) & (jobs.count - 1)] = job
        count += 1
    }

    mutating func popFirst() -> UnownedJob? {
        guard count > 0 else { return nil }
        let job = jobs[head]
        jobs[head] = nil
        head = (head + 1) & (jobs.count - 1)
        count -= 1
        return job
    }
}
