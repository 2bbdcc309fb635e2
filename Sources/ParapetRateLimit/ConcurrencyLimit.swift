import NIOCore
public import ParapetCore

/// A concurrency cap with an optional wait queue: at most ``capacity`` requests of a key in flight; while
/// they are, up to ``queue`` more wait in arrival order for a slot, and any beyond that are refused at
/// once.
///
/// A queue of `0` means no waiting — a request finding every slot taken is refused — never "refuse
/// everything" (the Go original's `ConcurrentQueue(capacity, 0)` refused every request).
///
/// The rule is the pure part: slots and the order of waiters, identified by numbers the caller picks.
/// Parking the waiting tasks is the caller's business.
///
/// ```swift
/// let rule = try ConcurrencyLimit(capacity: 1, queue: 1)
/// var state = ConcurrencyLimit.State()
/// rule.acquire(&state, waiter: 1)    // .granted(remaining: 0)
/// rule.acquire(&state, waiter: 2)    // .queued
/// rule.acquire(&state, waiter: 3)    // .rejected
/// rule.release(&state)               // 2: the slot passes to waiter 2
/// ```
public struct ConcurrencyLimit: Sendable, Hashable {
    /// The most requests of a key in flight at once.
    ///
    /// ```swift
    /// let free = rule.capacity - state.inFlight
    /// ```
    public let capacity: Int
    /// How many requests of a key may wait for a slot; `0` refuses at once when every slot is taken.
    ///
    /// ```swift
    /// let queueIsFull = state.waiting == rule.queue
    /// ```
    public let queue: Int

    /// One key's slots and waiters.
    ///
    /// ```swift
    /// var state = ConcurrencyLimit.State()
    /// ```
    public struct State: Sendable {
        /// Requests holding a slot.
        ///
        /// ```swift
        /// let busy = state.inFlight == rule.capacity
        /// ```
        public internal(set) var inFlight = 0
        /// Waiters in arrival order; allocated only when a queue forms.
        var waiters: CircularBuffer<UInt64>?

        /// The state of a key with nothing in flight.
        ///
        /// ```swift
        /// let acquisition = rule.acquire(&states[key, default: ConcurrencyLimit.State()], waiter: id)
        /// ```
        public init() {}

        /// How many requests are waiting for a slot.
        ///
        /// ```swift
        /// let queued = state.waiting
        /// ```
        public var waiting: Int { waiters?.count ?? 0 }
    }

    /// What ``acquire(_:waiter:)`` decided.
    ///
    /// ```swift
    /// if case .granted(let remaining) = rule.acquire(&state, waiter: id) { print("\(remaining) left") }
    /// ```
    public enum Acquisition: Sendable, Hashable {
        /// A slot is the request's now, with `remaining` slots still free.
        ///
        /// ```swift
        /// if case .granted = acquisition { serve() }
        /// ```
        case granted(remaining: Int)
        /// The request waits for a slot: a later ``release(_:)`` hands it over.
        ///
        /// ```swift
        /// if acquisition == .queued { park(id) }
        /// ```
        case queued
        /// Every slot and every place in the queue is taken.
        ///
        /// ```swift
        /// if acquisition == .rejected { return .error(.tooManyRequests) }
        /// ```
        case rejected
    }

    /// Creates the rule.
    ///
    /// ```swift
    /// let bulkhead = try ConcurrencyLimit(capacity: 8, queue: 32)
    /// ```
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` when `capacity` is below 1
    ///   or `queue` is not between 0 and 1,000,000.
    public init(capacity: Int, queue: Int = 0) throws(ConfigurationError) {
        guard capacity >= 1 else {
            throw .invalidValue(field: "ConcurrencyLimit.capacity", reason: "must be at least 1, got \(capacity)")
        }
        guard (0...longestRuleQueue).contains(queue) else {
            throw .invalidValue(
                field: "ConcurrencyLimit.queue", reason: "must be between 0 and \(longestRuleQueue), got \(queue)")
        }
        self.capacity = capacity
        self.queue = queue
    }

    /// Takes a slot for a request known as `waiter`, or queues it, or refuses it.
    ///
    /// ```swift
    /// switch rule.acquire(&state, waiter: id) {
    /// case .granted: serve()
    /// case .queued: park(id)
    /// case .rejected: refuse()
    /// }
    /// ```
    public func acquire(_ state: inout State, waiter: UInt64) -> Acquisition {
        if state.inFlight < capacity {
            state.inFlight += 1
            return .granted(remaining: capacity - state.inFlight)
        }
        guard state.waiting < queue else { return .rejected }
        if state.waiters == nil {
            state.waiters = CircularBuffer(initialCapacity: min(queue, 16))
        }
        state.waiters?.append(waiter)
        return .queued
    }

    /// Gives back one slot; the first waiter, if any, takes it over.
    ///
    /// ```swift
    /// if let next = rule.release(&state) { resume(next) }
    /// ```
    ///
    /// - Returns: the waiter now holding the slot, or `nil` when the slot is free.
    @discardableResult
    public func release(_ state: inout State) -> UInt64? {
        if let next = state.waiters?.first {
            state.waiters?.removeFirst()
            return next
        }
        state.inFlight = max(state.inFlight - 1, 0)
        return nil
    }

    /// Takes `waiter` out of the queue, because its request gave up.
    ///
    /// ```swift
    /// if !rule.abandon(&state, waiter: id) { /* it already holds a slot: release it */ }
    /// ```
    ///
    /// - Returns: whether it was still waiting; `false` when a slot was already handed to it.
    public func abandon(_ state: inout State, waiter: UInt64) -> Bool {
        guard let index = state.waiters?.firstIndex(of: waiter) else { return false }
        state.waiters?.remove(at: index)
        return true
    }

    /// Whether a key in `state` holds nothing: no request in flight, none waiting.
    ///
    /// ```swift
    /// if rule.isIdle(state) { states[key] = nil }
    /// ```
    public func isIdle(_ state: State) -> Bool {
        state.inFlight == 0 && state.waiting == 0
    }

    /// The slots still free in `state`.
    ///
    /// ```swift
    /// let status = rule.status(of: state)   // RateLimit: "concurrent-8";r=3
    /// ```
    public func status(of state: State) -> RateLimitStatus {
        RateLimitStatus(remaining: capacity - state.inFlight, reset: nil)
    }

    /// `capacity` concurrent requests.
    ///
    /// ```swift
    /// let quota = try ConcurrencyLimit(capacity: 8).quota   // q=8;qu="concurrent-requests"
    /// ```
    public var quota: RateLimitQuota {
        RateLimitQuota(limit: capacity, window: nil, unit: .concurrentRequests)
    }
}
