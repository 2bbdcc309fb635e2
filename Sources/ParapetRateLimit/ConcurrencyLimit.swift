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
    public let capacity: Int
    /// How many requests of a key may wait for a slot; `0` refuses at once when every slot is taken.
    public let queue: Int

    /// One key's slots and waiters.
    ///
    /// ```swift
    /// var state = ConcurrencyLimit.State()
    /// ```
    public struct State: Sendable {
        /// Requests holding a slot.
        public internal(set) var inFlight = 0
        /// Waiters in arrival order; allocated only when a queue forms.
        var waiters: CircularBuffer<UInt64>?

        /// The state of a key with nothing in flight.
        public init() {}

        /// How many requests are waiting for a slot.
        public var waiting: Int { waiters?.count ?? 0 }
    }

    /// What ``acquire(_:waiter:)`` decided.
    ///
    /// ```swift
    /// if case .granted(let remaining) = rule.acquire(&state, waiter: id) { print("\(remaining) left") }
    /// ```
    public enum Acquisition: Sendable, Hashable {
        /// A slot is the request's now, with `remaining` slots still free.
        case granted(remaining: Int)
        /// The request waits for a slot: a later ``release(_:)`` hands it over.
        case queued
        /// Every slot and every place in the queue is taken.
        case rejected
    }

    /// Creates the rule.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` when `capacity` is below 1
    ///   or `queue` is not between 0 and 1,000,000.
    public init(capacity: Int, queue: Int = 0) throws(ConfigurationError) {
        var check = ConfigurationCheck()
        check.atLeast(1, capacity, "ConcurrencyLimit.capacity")
        check.within(0...longestRuleQueue, queue, "ConcurrencyLimit.queue")
        try check.result()
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
    /// - Returns: whether it was still waiting; `false` when a slot was already handed to it.
    public func abandon(_ state: inout State, waiter: UInt64) -> Bool {
        guard let index = state.waiters?.firstIndex(of: waiter) else { return false }
        state.waiters?.remove(at: index)
        return true
    }

    /// Whether a key in `state` holds nothing: no request in flight, none waiting.
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
