import ParapetCore
import Synchronization

/// A ``RateLimiter`` running a ``KeyedRateRule`` for every key: the states of all keys behind one lock,
/// held only for the rule's arithmetic, and a janitor that forgets idle keys.
///
/// At most ``LimiterSettings/maxKeys`` keys are held (an ``LRUTable``): a new key in a full table takes
/// the place of the least recently used one, whose next request then starts afresh. No request is
/// refused for want of room.
///
/// The janitor is started through the runtime's spawner when the first key appears, sweeps every
/// ``KeyedRateRule/sweepInterval`` of the monotonic clock, and stops once a sweep leaves no key; the next
/// key starts it again. Once the spawner cancels it (the server is shutting down) it is not restarted. A
/// sweep examines every key once, least recently used first, but at most ``sweepBatch`` of them per hold
/// of the lock, yielding in between, so that requests are never held up by a sweep of the whole table.
final class KeyedRateLimiter<Rule: KeyedRateRule>: RateLimiter {
    /// Where the janitor is in its life.
    enum JanitorPhase: Sendable {
        /// Not running: the next key starts it.
        case idle
        /// Sweeping until no key is left.
        case running
        /// Cancelled by the spawner; never restarted.
        case retired
    }

    private struct Shelf {
        var states: LRUTable<RateLimitKey, Rule.State>
        var janitor = JanitorPhase.idle
    }

    /// The most keys a sweep examines per hold of the lock.
    static var sweepBatch: Int { 1_024 }

    let rule: Rule
    let runtime: Runtime
    /// The limiter's name, for the janitor's task name.
    let name: String
    private let shelf: Mutex<Shelf>

    init(rule: Rule, runtime: Runtime, settings: LimiterSettings) {
        self.rule = rule
        self.runtime = runtime
        self.name = settings.name
        self.shelf = Mutex(Shelf(states: LRUTable(capacity: settings.maxKeys)))
    }

    var quota: RateLimitQuota { rule.quota }

    func acquire(_ key: RateLimitKey) async throws -> RateLimitDecision {
        let (verdict, startsJanitor) = shelf.withLock { shelf in
            // The clock is read under the lock, so that decisions see time in the order they are made: a
            // reading taken before a window boundary never lands after one taken past it.
            let now = rule.now(on: runtime)
            let verdict = shelf.states.update(key, initial: rule.initialState) { rule.admit(&$0, at: now) }
            guard case .idle = shelf.janitor else { return (verdict, false) }
            shelf.janitor = .running
            return (verdict, true)
        }
        if startsJanitor {
            runtime.spawner.spawn("rate-limit janitor \(name)") { [self] in
                await sweepUntilEmpty()
            }
        }
        switch verdict {
        case .admitted(let delay, let status):
            if delay > .zero {
                try await runtime.clock.sleep(for: delay)
            }
            return .allowed(status, permit: nil)
        case .limited(let retryAfter, let status):
            return .limited(status, retryAfter: retryAfter)
        }
    }

    /// The janitor's loop: sweep every interval until a sweep leaves nothing to watch.
    private func sweepUntilEmpty() async {
        while true {
            do {
                try await runtime.clock.sleep(for: rule.sweepInterval)
            } catch {
                shelf.withLock { $0.janitor = .retired }
                return
            }
            if await sweep() { return }
        }
    }

    /// Forgets every idle key, ``sweepBatch`` keys per hold of the lock; when none is left, marks the
    /// janitor idle (in the same critical section, so a key added meanwhile either survives this sweep or
    /// finds the janitor idle and starts it again).
    ///
    /// - Returns: whether no key is left.
    private func sweep() async -> Bool {
        shelf.withLock { $0.states.beginSweep() }
        while true {
            let outcome = shelf.withLock { shelf -> Bool? in
                let now = rule.now(on: runtime)
                let isOver = shelf.states.continueSweep(examining: Self.sweepBatch) { rule.isIdle($0, at: now) }
                guard isOver else { return nil }
                guard shelf.states.count == 0 else { return false }
                shelf.janitor = .idle
                return true
            }
            if let outcome { return outcome }
            await Task.yield()
        }
    }

    /// The number of keys remembered.
    var keyCount: Int {
        shelf.withLock { $0.states.count }
    }

    /// Where the janitor is in its life.
    var janitorPhase: JanitorPhase {
        shelf.withLock { $0.janitor }
    }
}
