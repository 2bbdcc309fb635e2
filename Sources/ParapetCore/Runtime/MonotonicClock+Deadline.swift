import Synchronization

extension MonotonicClock {
    /// Runs `operation` as a child task and returns its result, or `nil` when `deadline` passes first — in which
    /// case the operation has been cancelled, and has finished, by the time this returns.
    ///
    /// The deadline is a callback on this clock (``scheduleCallback(at:_:)``), not a second child task. The
    /// caller's cancellation reaches the operation as usual, and this waits for its result.
    ///
    /// ```swift
    /// guard let response = await runtime.clock.result(by: deadline, of: { await fetch() }) else {
    ///     return .error(.gatewayTimeout)
    /// }
    /// ```
    package func result<T: Sendable>(
        by deadline: MonotonicInstant, of operation: @escaping @Sendable () async -> T
    ) async -> T? {
        let first = FirstOfResultAndDeadline<T>()
        return await withDiscardingTaskGroup(returning: T?.self) { group in
            group.addTask { first.finish(await operation()) }
            let timer = scheduleCallback(at: deadline) { first.expire() }
            let result = await first.value()
            timer.cancel()
            if result == nil { group.cancelAll() }
            return result
        }
    }
}

/// Hands the waiting task the first of an operation's result (`finish`) and its deadline passing (`expire`).
private final class FirstOfResultAndDeadline<T: Sendable>: Sendable {
    private enum State {
        case waiting(UnsafeContinuation<T?, Never>?)
        case settled(T?)
        case taken
    }

    private let state = Mutex(State.waiting(nil))

    func finish(_ result: T) {
        settle(result)
    }

    func expire() {
        settle(nil)
    }

    /// The first outcome: the result, or `nil` for the deadline.
    func value() async -> T? {
        await withUnsafeContinuation { continuation in
            let settled: T?? = state.withLock { state in
                guard case .settled(let value) = state else {
                    state = .waiting(continuation)
                    return nil
                }
                state = .taken
                return .some(value)
            }
            if let settled { continuation.resume(returning: settled) }
        }
    }

    private func settle(_ value: T?) {
        let waiter: UnsafeContinuation<T?, Never>? = state.withLock { state in
            switch state {
            case .waiting(let waiter?):
                state = .taken
                return waiter
            case .waiting(nil):
                state = .settled(value)
                return nil
            case .settled, .taken:
                return nil  // the other came first
            }
        }
        waiter?.resume(returning: value)
    }
}
