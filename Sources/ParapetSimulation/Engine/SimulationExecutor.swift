public import ParapetCore
import Synchronization

/// The deterministic, single-threaded `TaskExecutor` (SE-0417) at the heart of the simulator.
///
/// It holds a first-in, first-out queue of ready jobs and a priority queue of timers ordered by
/// (virtual instant, sequence). ``drive(until:notPast:maximumEvents:)`` runs on the calling thread:
/// it runs ready jobs in the order they were enqueued, and only when none is left does it advance
/// virtual time to the earliest timer and fire it: resume its sleeper, start its held task, or run its
/// callback (``VirtualClock/scheduleCallback(at:_:)``). Tasks started with
/// `Task(executorPreference: executor)` — and their structured children (`async let`, task groups),
/// which inherit the preference — therefore interleave identically on every run.
///
/// Most code uses it through ``Simulation``; driving it by hand looks like this:
///
/// ```swift
/// let executor = SimulationExecutor()
/// let clock = VirtualClock(executor: executor)
/// let done = Atomic<Bool>(false)
/// Task(executorPreference: executor) {
///     try? await clock.sleep(for: .seconds(90))
///     done.store(true, ordering: .relaxed)
/// }
/// let reason = executor.drive(until: { done.load(ordering: .relaxed) })
/// assert(reason == .finished && executor.now == .zero.advanced(by: .seconds(90)))
/// ```
public final class SimulationExecutor: TaskExecutor, Sendable {
    /// Why ``drive(until:notPast:maximumEvents:)`` returned.
    ///
    /// ```swift
    /// switch executor.drive(until: { isDone() }) {
    /// case .finished: break
    /// case .idle: print("deadlock at \(executor.now)")
    /// default: break
    /// }
    /// ```
    public enum StopReason: Sendable, Hashable {
        /// The condition became true.
        case finished
        /// Nothing was runnable and no timer was pending, yet the condition was false.
        case idle
        /// The next timer is due after the time limit; virtual time stopped at the limit.
        ///
        /// ```swift
        /// let reason = executor.drive(until: { false }, notPast: .zero.advanced(by: .seconds(10)))
        /// assert(reason == .timeLimitReached)
        /// ```
        case timeLimitReached
        /// The maximum number of events was processed.
        case eventBudgetExhausted
        /// The executor was already being driven (for example from inside one of its own jobs).
        ///
        /// ```swift
        /// // from inside a simulated task:
        /// assert(executor.drive(until: { true }) == .alreadyDriving)
        /// ```
        case alreadyDriving
    }

    /// A snapshot of the executor's counters.
    ///
    /// ```swift
    /// let counters = executor.counters
    /// print("\(counters.jobsRun) jobs, \(counters.timersFired) timers")
    /// ```
    public struct Counters: Sendable, Hashable {
        /// Jobs (task slices) run so far.
        public var jobsRun: Int
        /// Timers fired so far, callbacks included (cancelled timers are not counted).
        public var timersFired: Int
        /// Jobs currently waiting in the ready queue (with the callbacks queued there to be armed).
        public var readyJobs: Int
        /// Timers currently pending (not yet fired or cancelled), counting task starts held until their time.
        public var pendingTimers: Int

        /// Jobs run plus timers fired: the number of discrete events processed.
        public var eventsProcessed: Int { jobsRun + timersFired }
    }

    private struct State {
        var now: MonotonicInstant
        var ready = ReadyQueue()
        var timers = TimerQueue()
        var slots = TimerSlots()
        var pendingTimers = 0
        var nextSequence: UInt64 = 0
        var jobsRun = 0
        var timersFired = 0
        var isDriving = false
        /// Set by ``holdingNextJob(until:_:)``: the next job enqueued is held until this instant.
        var holdUntil: MonotonicInstant?

        /// Puts `job` in the timer queue, due at `start`.
        mutating func hold(_ job: UnownedJob, until start: MonotonicInstant) {
            let id = slots.insert(.job(job), sequence: nextSequence)
            nextSequence += 1
            timers.insert(TimerKey(deadline: start, id: id), preferring: .heldStarts)
            pendingTimers += 1
        }

        /// Puts callback `id`, which has reached the front of the ready queue, in the timer queue — unless it
        /// was cancelled meanwhile. It takes its place among timers due at the same instant now.
        mutating func arm(_ id: TimerID) {
            guard case .arming(let deadline, let callback)? = slots[id] else { return }
            slots.update(id, to: .callback(callback))
            timers.insert(TimerKey(deadline: max(deadline, now), order: nextSequence, id: id), preferring: .callbacks)
            nextSequence += 1
        }
    }

    private enum Event {
        case job(UnownedJob)
        case heldJob(UnownedJob, at: MonotonicInstant)
        case timer(UnsafeContinuation<Void, any Error>, at: MonotonicInstant)
        case callback(@Sendable () -> Void, at: MonotonicInstant)
        case stop(StopReason)
    }

    private let state: Mutex<State>

    /// Creates an executor whose virtual clock reads `start`.
    ///
    /// ```swift
    /// let executor = SimulationExecutor()
    /// assert(executor.now == .zero)
    /// ```
    public init(start: MonotonicInstant = .zero) {
        state = Mutex(State(now: start))
    }

    /// The current virtual instant; it moves only when a timer fires.
    public var now: MonotonicInstant {
        state.withLock { $0.now }
    }

    /// The executor's counters: jobs run, timers fired, and what is waiting.
    public var counters: Counters {
        state.withLock { state in
            Counters(
                jobsRun: state.jobsRun,
                timersFired: state.timersFired,
                readyJobs: state.ready.count,
                pendingTimers: state.pendingTimers
            )
        }
    }

    /// Appends `job` to the ready queue. Called by the Swift runtime whenever a task that prefers this
    /// executor becomes runnable; safe from any thread.
    ///
    /// ```swift
    /// Task(executorPreference: executor) { await work() }  // enqueues the task's first job
    /// ```
    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        state.withLock { state in
            if let start = state.holdUntil {
                state.holdUntil = nil
                if start > state.now {
                    state.hold(unowned, until: start)
                    return
                }
            }
            state.ready.append(.job(unowned))
        }
    }

    /// Runs events on the calling thread until `isFinished` returns true (checked before every event),
    /// nothing is left to do, the next timer is due after `limit`, or `maximumEvents` events have run.
    ///
    /// One event is either one ready job, run to its next suspension, or — only when the ready queue is
    /// empty — one timer: virtual time advances to its deadline and its sleeper is resumed, or its callback
    /// run (or the task start held until then runs, counted as a job). Never waits in real time.
    ///
    /// ```swift
    /// let reason = executor.drive(until: { rootFinished() }, notPast: .zero.advanced(by: .seconds(3_600)))
    /// if reason == .idle { throw SimulationError.deadlock(at: executor.now) }
    /// ```
    public func drive(
        until isFinished: () -> Bool,
        notPast limit: MonotonicInstant? = nil,
        maximumEvents: Int = .max
    ) -> StopReason {
        drive(until: isFinished, notPast: limit, maximumEvents: maximumEvents, ticks: nil)
    }

    /// ``drive(until:notPast:maximumEvents:)``, also handing `ticks` every instant virtual time moves to,
    /// between events.
    func drive(
        until isFinished: () -> Bool,
        notPast limit: MonotonicInstant?,
        maximumEvents: Int,
        ticks: VirtualTimeTicks?
    ) -> StopReason {
        let isFirstDriver = state.withLock { state in
            if state.isDriving { return false }
            state.isDriving = true
            return true
        }
        guard isFirstDriver else { return .alreadyDriving }
        defer { state.withLock { $0.isDriving = false } }

        let taskExecutor = asUnownedTaskExecutor()
        var ticks = ticks
        var events = 0
        while !isFinished() {
            guard events < maximumEvents else { return .eventBudgetExhausted }
            switch nextEvent(notPast: limit) {
            case .job(let job):
                job.runSynchronously(on: taskExecutor)
            case .heldJob(let job, let now):
                ticks?.reach(now)
                job.runSynchronously(on: taskExecutor)
            case .timer(let continuation, let now):
                ticks?.reach(now)
                continuation.resume()
            case .callback(let callback, let now):
                ticks?.reach(now)
                callback()
            case .stop(let reason):
                return reason
            }
            events += 1
        }
        return .finished
    }

    private func nextEvent(notPast limit: MonotonicInstant?) -> Event {
        state.withLock { state in
            while let item = state.ready.popFirst() {
                switch item {
                case .job(let job):
                    state.jobsRun += 1
                    return .job(job)
                case .arm(let id):
                    state.arm(id)
                }
            }
            while let (key, place) = state.timers.next {
                if let limit, key.deadline > limit {
                    // Every live timer is due at or after `key`, so none is due within the limit.
                    guard state.pendingTimers > 0 else { break }
                    if state.now < limit { state.now = limit }
                    return .stop(.timeLimitReached)
                }
                state.timers.removeFirst(at: place)
                guard let entry = state.slots.remove(key.id) else {
                    continue  // cancelled: its continuation was already resumed
                }
                state.pendingTimers -= 1
                if state.now < key.deadline { state.now = key.deadline }
                switch entry {
                case .sleeper(let continuation):
                    state.timersFired += 1
                    return .timer(continuation, at: state.now)
                case .job(let job):
                    state.jobsRun += 1
                    return .heldJob(job, at: state.now)
                case .callback(let callback):
                    state.timersFired += 1
                    return .callback(callback, at: state.now)
                case .reserved, .cancelledBeforeScheduling, .arming:
                    preconditionFailure("an unscheduled timer is in the timer queue")
                }
            }
            return .stop(.idle)
        }
    }
}

extension SimulationExecutor {
    /// Runs `body`, holding back the next job enqueued meanwhile — the first job of the one task `body`
    /// creates — until virtual time reaches `start`, so that the task starts then without a timer of its own
    /// to sleep on. A held task's start is one event, ordered among timers by (`start`, when it was held).
    /// A `start` that is not in the future holds nothing.
    ///
    /// The task's job must be enqueued synchronously, as `addTask` does for a task that prefers this
    /// executor, while this executor is being driven by the calling thread.
    func holdingNextJob<T>(until start: MonotonicInstant, _ body: () throws -> T) rethrows -> T {
        state.withLock { $0.holdUntil = start }
        defer {
            let wasTaken = state.withLock { state in
                defer { state.holdUntil = nil }
                return state.holdUntil == nil
            }
            precondition(wasTaken, "no job was enqueued to hold")
        }
        return try body()
    }

    /// Suspends the current task until virtual time reaches `deadline`: ``VirtualClock/sleep(until:tolerance:)``,
    /// inlined where the simulator sleeps on its own clock so that a sleep costs no async call of its own.
    ///
    /// - Throws: `CancellationError` if the task is or becomes cancelled before the deadline.
    @inline(__always)
    func sleep(until deadline: MonotonicInstant) async throws {
        if Task.isCancelled {
            // Yield first, so a loop that ignores cancellation still goes through the ready queue (and
            // cannot spin forever inside one job).
            await Task.yield()
            throw CancellationError()
        }
        guard let id = reserveTimer(until: deadline) else {
            await Task.yield()
            try Task.checkCancellation()
            return
        }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                scheduleTimer(id, at: deadline, resuming: continuation)
            }
        } onCancel: {
            cancelTimer(id)
        }
    }

    /// Reserves a timer due at `deadline` before its continuation exists, so that a cancellation arriving
    /// in between is not lost; `nil` if `deadline` is not in the future. Reservations are numbered in
    /// increasing order, the tie-break for timers due at the same instant.
    func reserveTimer(until deadline: MonotonicInstant) -> TimerID? {
        state.withLock { state in
            guard deadline > state.now else { return nil }
            let id = state.slots.insert(.reserved, sequence: state.nextSequence)
            state.nextSequence += 1
            return id
        }
    }

    /// Parks `continuation` until virtual time reaches `deadline`; resumes it with `CancellationError`
    /// at once if the timer was cancelled after being reserved.
    func scheduleTimer(
        _ id: TimerID, at deadline: MonotonicInstant, resuming continuation: UnsafeContinuation<Void, any Error>
    ) {
        let wasCancelled = state.withLock { state in
            if case .cancelledBeforeScheduling? = state.slots[id] {
                _ = state.slots.remove(id)
                return true
            }
            state.slots.update(id, to: .sleeper(continuation))
            state.timers.insert(TimerKey(deadline: deadline, id: id), preferring: .heap)
            state.pendingTimers += 1
            return false
        }
        if wasCancelled {
            continuation.resume(throwing: Self.cancellation)
        }
    }

    /// Cancels timer `id`: a pending timer is removed and its sleeper resumed with `CancellationError`
    /// (a callback is dropped); a reserved one is marked so that scheduling it fails; a fired one is left
    /// alone.
    func cancelTimer(_ id: TimerID) {
        let continuation: UnsafeContinuation<Void, any Error>? = state.withLock { state in
            switch state.slots[id] {
            case .reserved?:
                state.slots.update(id, to: .cancelledBeforeScheduling)
                return nil
            case .sleeper(let continuation)?:
                _ = state.slots.remove(id)
                state.pendingTimers -= 1
                return continuation
            case .arming?, .callback?:
                _ = state.slots.remove(id)
                state.pendingTimers -= 1
                return nil
            case .cancelledBeforeScheduling?, .job?, nil:
                return nil
            }
        }
        continuation?.resume(throwing: Self.cancellation)
    }

    /// Sets a timer that calls `callback` on the driving thread, between events, once virtual time has reached
    /// `deadline` (at once, after the ready queue, when it already has). Cancel it with ``cancelTimer(_:)``.
    ///
    /// The timer joins the ready queue first, and takes its place among timers due at the same instant when
    /// it reaches the front: the place a sleep would have taken in a task started by this call. So a child
    /// task that only slept and then reported can become a callback without changing any run.
    func scheduleCallback(at deadline: MonotonicInstant, _ callback: @escaping @Sendable () -> Void) -> TimerID {
        state.withLock { state in
            let id = state.slots.insert(.arming(at: deadline, callback), sequence: state.nextSequence)
            state.nextSequence += 1
            state.ready.append(.arm(id))
            state.pendingTimers += 1
            return id
        }
    }

    /// The error a cancelled sleep throws, boxed once rather than per cancellation.
    private static let cancellation: any Error = CancellationError()
}
