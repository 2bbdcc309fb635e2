public import ParapetCore

/// Leaky-bucket pacing: a key's requests go through one every ``interval``; a request arriving early waits
/// for its turn while at most ``queue`` requests are waiting, and is refused beyond that.
///
/// The rule keeps one instant per key, the turn given to its last request; the requests waiting are the
/// turns still ahead of `now`. A refused request is told when a place in the queue frees. A request that
/// gives up while waiting keeps its turn (the pace never speeds up), as in the Go original.
///
/// ```swift
/// let rule = try LeakyBucket(interval: .milliseconds(100), queue: 1)
/// var state = LeakyBucket.State()
/// _ = rule.admit(&state, at: .zero)   // .admitted(delay: .zero, …)
/// _ = rule.admit(&state, at: .zero)   // .admitted(delay: .milliseconds(100), …): waits its turn
/// _ = rule.admit(&state, at: .zero)   // .limited(retryAfter: .milliseconds(100), …): the queue is full
/// ```
public struct LeakyBucket: Sendable, Hashable {
    /// The time between two requests of a key.
    public let interval: Duration
    /// How many requests of a key may wait for their turn; `0` refuses every early request.
    public let queue: Int

    /// The turn of a key's last request.
    ///
    /// ```swift
    /// var state = LeakyBucket.State()
    /// ```
    public struct State: Sendable, Hashable {
        /// When the key's last admitted request went (or goes) through; `nil` before the first.
        var lastTurn: MonotonicInstant?

        /// The state of a key that has made no request.
        public init() {}
    }

    /// Creates the rule.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` when `interval` is not
    ///   between 1 ns and 366 days, or `queue` is not between 0 and 1,000,000.
    public init(interval: Duration, queue: Int) throws(ConfigurationError) {
        var check = ConfigurationCheck()
        check.ruleDuration(interval, "LeakyBucket.interval")
        check.within(0...longestRuleQueue, queue, "LeakyBucket.queue")
        try check.result()
        self.interval = interval
        self.queue = queue
    }

    /// Gives one request under a key in `state` its turn at `now`, if the queue has room.
    ///
    /// ```swift
    /// if case .admitted(let delay, _) = rule.admit(&state, at: runtime.clock.now), delay > .zero {
    ///     try await runtime.clock.sleep(for: delay)
    /// }
    /// ```
    ///
    /// - Returns: ``RateLimitVerdict/admitted(delay:status:)`` with the wait until the request's turn
    ///   (`.zero` when it may go at once), or ``RateLimitVerdict/limited(retryAfter:status:)`` with the
    ///   wait until a place in the queue frees.
    public func admit(_ state: inout State, at now: MonotonicInstant) -> RateLimitVerdict {
        guard let lastTurn = state.lastTurn, lastTurn.advanced(by: interval) > now else {
            state.lastTurn = now
            return .admitted(delay: .zero, status: status(lastTurn: now, at: now))
        }
        // The requests waiting are the turns after `now`: fewer than `queue` while lastTurn − now ≤ (queue − 1)·interval.
        let backlog = lastTurn - now
        guard queue > 0, backlog <= interval * (queue - 1) else {
            let wait = backlog + interval - interval * queue
            return .limited(retryAfter: wait, status: RateLimitStatus(remaining: 0, reset: wait))
        }
        let turn = lastTurn.advanced(by: interval)
        state.lastTurn = turn
        return .admitted(delay: turn - now, status: status(lastTurn: turn, at: now))
    }

    /// Places left in the queue once the turn `lastTurn` is given, and the time until the bucket is empty.
    private func status(lastTurn: MonotonicInstant, at now: MonotonicInstant) -> RateLimitStatus {
        let ahead = (lastTurn - now).nanoseconds
        let step = interval.nanoseconds
        let waiting = ahead > 0 ? Int(clamping: (ahead + step - 1) / step) : 0
        return RateLimitStatus(remaining: max(queue - waiting, 0), reset: lastTurn.advanced(by: interval) - now)
    }

    /// Whether a key in `state` counts for nothing any more at `now`: its next request would go at once.
    public func isIdle(_ state: State, at now: MonotonicInstant) -> Bool {
        guard let lastTurn = state.lastTurn else { return true }
        return lastTurn.advanced(by: interval) <= now
    }

    /// `queue + 1` requests (one at once, the rest queued) per `(queue + 1) × interval`: the same pace.
    ///
    /// ```swift
    /// let quota = try LeakyBucket(interval: .seconds(1), queue: 9).quota   // q=10;w=10
    /// ```
    public var quota: RateLimitQuota {
        RateLimitQuota(limit: queue + 1, window: interval * (queue + 1))
    }
}

extension LeakyBucket: KeyedRateRule {
    var initialState: State { State() }

    /// The time a full queue takes to drain, but at least a minute.
    var sweepInterval: Duration { max(interval * (queue + 1), .seconds(60)) }

    func now(on runtime: Runtime) -> MonotonicInstant { runtime.clock.now }
}
