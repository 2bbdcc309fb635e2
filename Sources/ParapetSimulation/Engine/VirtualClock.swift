public import ParapetCore

/// The simulator's ``MonotonicClock``: it reads the ``SimulationExecutor``'s virtual instant, and a
/// sleep parks the sleeping task in the executor's timer queue instead of waiting in real time; so does a
/// callback (``scheduleCallback(at:_:)``), without a task.
///
/// Sleepers due at the same instant wake in the order they went to sleep. Cancelling a sleeping task
/// removes its timer and makes the sleep throw `CancellationError`, without advancing time. A sleep
/// until an instant that is not in the future returns promptly, but only after yielding through the
/// ready queue, so that it is a deterministic scheduling point like any other.
///
/// ```swift
/// let simulation = Simulation(seed: 1)
/// let waited = try simulation.run { runtime in
///     let start = runtime.clock.now
///     try await runtime.clock.sleep(for: .seconds(30))
///     return runtime.clock.now - start
/// }
/// assert(waited == .seconds(30))
/// ```
public struct VirtualClock: MonotonicClock {
    /// The executor whose virtual time this clock reads and whose timer queue it sleeps in.
    public let executor: SimulationExecutor

    /// Creates a clock over `executor`'s virtual time.
    public init(executor: SimulationExecutor) {
        self.executor = executor
    }

    /// The current virtual instant.
    public var now: MonotonicInstant {
        executor.now
    }

    /// One nanosecond: virtual time is exact, this is only the granularity callers should assume.
    public var minimumResolution: Duration {
        .nanoseconds(1)
    }

    /// Suspends the current task until virtual time reaches `deadline`.
    ///
    /// `tolerance` is ignored: virtual timers fire exactly. Call this from a task running on the
    /// simulation executor (every task started by ``Simulation`` is).
    ///
    /// - Throws: `CancellationError` if the task is or becomes cancelled before the deadline.
    public func sleep(until deadline: MonotonicInstant, tolerance: Duration? = nil) async throws {
        try await executor.sleep(until: deadline)
    }

    /// Calls `callback` on the thread driving the executor, between its events (in no simulated task), once
    /// virtual time reaches `deadline` — at once, after the jobs already runnable, when it has.
    ///
    /// The callback is a timer in the executor's timer queue, not a task. It takes its place among the timers due
    /// at the same instant as a sleep by a task started now would: after the jobs already in the ready
    /// queue have run. So replacing a child task that sleeps and then reports with a callback changes no
    /// run. Cancelling removes the timer.
    ///
    /// ```swift
    /// let expired = Atomic<Bool>(false)
    /// let timer = runtime.clock.scheduleCallback(at: runtime.clock.now.advanced(by: .seconds(2))) {
    ///     expired.store(true, ordering: .relaxed)
    /// }
    /// timer.cancel()
    /// ```
    public func scheduleCallback(
        at deadline: MonotonicInstant, _ callback: @escaping @Sendable () -> Void
    ) -> any ScheduledCallback {
        VirtualTimer(executor: executor, id: executor.scheduleCallback(at: deadline, callback))
    }
}

/// The handle of a callback in the simulation executor's timer queue.
private struct VirtualTimer: ScheduledCallback {
    let executor: SimulationExecutor
    let id: TimerID

    func cancel() {
        executor.cancelTimer(id)
    }
}
