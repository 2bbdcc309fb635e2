import Synchronization

/// A callback set with ``MonotonicClock/scheduleCallback(at:_:)``, which can still be called off.
///
/// ```swift
/// let timer = runtime.clock.scheduleCallback(at: deadline) { expired.store(true, ordering: .relaxed) }
/// timer.cancel()  // the callback will not run, unless it already has
/// ```
public protocol ScheduledCallback: Sendable {
    /// Prevents the callback from running if it has not started yet; otherwise does nothing. Idempotent.
    func cancel()
}

/// A callback that runs at most once: the first of ``fire()`` and ``cancel()`` wins. Clocks whose timers
/// fire on another thread than the one cancelling them use it to keep the promise that a cancelled
/// callback never runs.
package final class OnceCallback: Sendable {
    private let isSettled = Atomic<Bool>(false)
    private let callback: @Sendable () -> Void

    package init(_ callback: @escaping @Sendable () -> Void) {
        self.callback = callback
    }

    /// Runs the callback, unless it was cancelled or has run.
    package func fire() {
        if settle() { callback() }
    }

    /// Stops the callback from running; `false` if it already ran, or was already cancelled.
    @discardableResult
    package func cancel() -> Bool {
        settle()
    }

    private func settle() -> Bool {
        !isSettled.exchange(true, ordering: .acquiringAndReleasing)
    }
}

extension MonotonicClock {
    /// The default: ``scheduleCallbackOnTask(at:_:)``.
    public func scheduleCallback(
        at deadline: MonotonicInstant, _ callback: @escaping @Sendable () -> Void
    ) -> any ScheduledCallback {
        scheduleCallbackOnTask(at: deadline, callback)
    }

    /// Calls `callback` from a task of its own that sleeps on this clock until `deadline`: what a clock
    /// without timers of its own can do. The task runs on the global concurrent executor.
    package func scheduleCallbackOnTask(
        at deadline: MonotonicInstant, _ callback: @escaping @Sendable () -> Void
    ) -> any ScheduledCallback {
        let once = OnceCallback(callback)
        let task = Task { [self] in  // determinism: ok — a clock's own timer, only for clocks without one
            guard (try? await sleep(until: deadline)) != nil else { return }
            once.fire()
        }
        return SleepingCallback(once: once, task: task)
    }
}

/// The handle of ``MonotonicClock/scheduleCallbackOnTask(at:_:)``: cancelling it also ends the sleep.
private struct SleepingCallback: ScheduledCallback {
    let once: OnceCallback
    let task: Task<Void, Never>

    func cancel() {
        if once.cancel() { task.cancel() }
    }
}
