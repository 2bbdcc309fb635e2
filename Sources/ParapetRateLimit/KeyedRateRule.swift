import ParapetCore

/// A per-key rate rule driven by the injected clocks: the pure decisions of ``FixedWindow``,
/// ``SlidingWindow`` and ``LeakyBucket``, which ``KeyedRateLimiter`` runs for every key under one lock.
protocol KeyedRateRule: Sendable {
    /// One key's state; ``initialState`` for a key never seen (or evicted).
    associatedtype State: Sendable
    /// The kind of time the rule counts in (civil time for epoch-aligned windows, monotonic otherwise).
    associatedtype Instant: Sendable

    /// The state of a key with no history.
    var initialState: State { get }
    /// The quota advertised for the rule.
    var quota: RateLimitQuota { get }
    /// How often the janitor looks for idle keys.
    var sweepInterval: Duration { get }

    /// The current instant, read from `runtime`'s clocks.
    func now(on runtime: Runtime) -> Instant
    /// Decides for one request under a key in `state` at `now`, updating `state`.
    func admit(_ state: inout State, at now: Instant) -> RateLimitVerdict
    /// Whether `state` decides exactly like ``initialState`` from `now` on, so that the key can be forgotten.
    func isIdle(_ state: State, at now: Instant) -> Bool
}

/// The longest window or interval a rule accepts: longer ones make no sense for request rates, and the
/// bound keeps every product of the integer arithmetic far from overflow.
let longestRuleDuration = Duration.seconds(366 * 86_400)

/// The longest queue a rule accepts.
let longestRuleQueue = 1_000_000

extension ConfigurationCheck {
    /// A rule's window or interval must be between 1 ns and ``longestRuleDuration``.
    mutating func ruleDuration(_ value: Duration, _ field: String) {
        require(value.nanoseconds >= 1 && value <= longestRuleDuration, field, "must be between 1 ns and 366 days, got \(value)")
    }
}
