import Synchronization

/// A value computed once, by the first caller, asynchronously; callers that arrive while it is being
/// computed wait for that one computation.
final class AsyncOnce<Value: Sendable>: Sendable {
    private enum State {
        case empty
        case computing([CheckedContinuation<Value, Never>])
        case done(Value)
    }

    private enum Step {
        case ready(Value)
        case compute
        case wait
    }

    private let state = Mutex<State>(.empty)

    /// The value, computing it with `make` if nobody has yet.
    func value(_ make: @Sendable () async -> Value) async -> Value {
        let step: Step = state.withLock { state in
            switch state {
            case .done(let value): return .ready(value)
            case .computing: return .wait
            case .empty:
                state = .computing([])
                return .compute
            }
        }
        switch step {
        case .ready(let value):
            return value
        case .wait:
            return await withCheckedContinuation { continuation in
                let ready: Value? = state.withLock { state in
                    switch state {
                    case .done(let value): return value
                    case .computing(var waiters):
                        waiters.append(continuation)
                        state = .computing(waiters)
                        return nil
                    case .empty:
                        return nil
                    }
                }
                if let ready { continuation.resume(returning: ready) }
            }
        case .compute:
            let value = await make()
            let waiters = state.withLock { state in
                defer { state = .done(value) }
                if case .computing(let waiters) = state { return waiters }
                return []
            }
            for waiter in waiters { waiter.resume(returning: value) }
            return value
        }
    }
}
