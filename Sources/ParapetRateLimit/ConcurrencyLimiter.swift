import Synchronization

/// A ``RateLimiter`` running a ``ConcurrencyLimit`` for every key: slots handed out as
/// ``RateLimitPermit``s, waiters parked until a released slot is handed to them or their task is
/// cancelled.
///
/// A key is forgotten as soon as nothing is in flight or waiting under it, so no janitor is needed. Every
/// key held has requests in flight, so none can be evicted without losing track of its slots: with
/// `maxKeys` keys held, a request under a new key is refused (as over its quota) until one frees, and
/// keys already held carry on.
final class ConcurrencyLimiter: RateLimiter {
    /// How a waiter's wait ended.
    private enum Outcome {
        /// A released slot was handed over.
        case granted(RateLimitStatus)
        /// The waiter's task was cancelled first.
        case cancelled
    }

    private struct Shelf {
        var states: [RateLimitKey: ConcurrencyLimit.State] = [:]
        var lastWaiter: UInt64 = 0
        /// Waiters suspended until their outcome.
        var parked: [UInt64: CheckedContinuation<Outcome, Never>] = [:]
        /// Outcomes that arrived before their waiter had parked.
        var settled: [UInt64: Outcome] = [:]
    }

    let rule: ConcurrencyLimit
    /// The most keys held at once.
    let maxKeys: Int
    private let shelf = Mutex(Shelf())

    init(rule: ConcurrencyLimit, maxKeys: Int) {
        self.rule = rule
        self.maxKeys = maxKeys
    }

    var quota: RateLimitQuota { rule.quota }

    func acquire(_ key: RateLimitKey) async throws -> RateLimitDecision {
        let (acquisition, waiter) = shelf.withLock { shelf -> (ConcurrencyLimit.Acquisition, UInt64) in
            if shelf.states.count >= maxKeys, shelf.states[key] == nil {
                return (.rejected, 0)
            }
            shelf.lastWaiter += 1
            let acquisition = rule.acquire(
                &shelf.states[key, default: ConcurrencyLimit.State()], waiter: shelf.lastWaiter)
            return (acquisition, shelf.lastWaiter)
        }
        switch acquisition {
        case .granted(let remaining):
            return .allowed(RateLimitStatus(remaining: remaining, reset: nil), permit: permit(for: key))
        case .rejected:
            // No estimate exists for when a slot frees: suggest the shortest whole-second wait.
            return .limited(RateLimitStatus(remaining: 0, reset: nil), retryAfter: .seconds(1))
        case .queued:
            guard case .granted(let status) = await wait(waiter, key: key) else { throw CancellationError() }
            return .allowed(status, permit: permit(for: key))
        }
    }

    /// Suspends until `waiter` is handed a slot or its task is cancelled.
    private func wait(_ waiter: UInt64, key: RateLimitKey) async -> Outcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let early = shelf.withLock { shelf -> Outcome? in
                    if let outcome = shelf.settled.removeValue(forKey: waiter) { return outcome }
                    shelf.parked[waiter] = continuation
                    return nil
                }
                if let early {
                    continuation.resume(returning: early)
                }
            }
        } onCancel: {
            abandon(waiter, key: key)
        }
    }

    /// Takes a cancelled waiter out of the queue, unless a slot was already handed to it (then it proceeds
    /// and its permit gives the slot back).
    private func abandon(_ waiter: UInt64, key: RateLimitKey) {
        let continuation = shelf.withLock { shelf -> CheckedContinuation<Outcome, Never>? in
            // Taken out and put back, so that the queue is mutated in place rather than copied.
            guard var state = shelf.states.removeValue(forKey: key) else { return nil }
            let wasWaiting = rule.abandon(&state, waiter: waiter)
            if !rule.isIdle(state) { shelf.states[key] = state }
            guard wasWaiting else { return nil }
            guard let continuation = shelf.parked.removeValue(forKey: waiter) else {
                shelf.settled[waiter] = .cancelled
                return nil
            }
            return continuation
        }
        continuation?.resume(returning: .cancelled)
    }

    /// A permit giving `key`'s slot back when released.
    private func permit(for key: RateLimitKey) -> RateLimitPermit {
        RateLimitPermit { [self] in release(key) }
    }

    /// Gives back one of `key`'s slots, handing it to the first waiter if there is one.
    private func release(_ key: RateLimitKey) {
        let handoff = shelf.withLock { shelf -> (CheckedContinuation<Outcome, Never>, Outcome)? in
            guard var state = shelf.states.removeValue(forKey: key) else { return nil }
            let next = rule.release(&state)
            if !rule.isIdle(state) { shelf.states[key] = state }
            guard let next else { return nil }
            let outcome = Outcome.granted(rule.status(of: state))
            guard let continuation = shelf.parked.removeValue(forKey: next) else {
                shelf.settled[next] = outcome
                return nil
            }
            return (continuation, outcome)
        }
        if let (continuation, outcome) = handoff {
            continuation.resume(returning: outcome)
        }
    }

    /// The number of keys with requests in flight or waiting.
    var keyCount: Int {
        shelf.withLock { $0.states.count }
    }
}
