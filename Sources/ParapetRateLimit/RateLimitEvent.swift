/// One decision of a ``RateLimit``, reported to ``RateLimit/Options/observe`` for metrics.
///
/// Label metrics with ``name`` (set by the operator, bounded) and ``outcome``; never with ``key``, whose
/// values are unbounded.
///
/// ```swift
/// let options = RateLimit.Options(name: "api", observe: { event in
///     counter(limiter: event.name, outcome: event.outcome.rawValue).increment()
/// })
/// ```
public struct RateLimitEvent: Sendable, Hashable {
    /// What the limiter decided; its raw value suits a metric label.
    ///
    /// ```swift
    /// let label = event.outcome.rawValue   // "allowed" or "limited"
    /// ```
    public enum Outcome: String, Sendable, Hashable {
        /// The request was served.
        case allowed
        /// The request was refused.
        case limited
    }

    /// The limiter's name.
    ///
    /// ```swift
    /// let label = event.name   // "api"
    /// ```
    public var name: String
    /// The key the request was counted under.
    public var key: RateLimitKey
    /// What the limiter decided.
    public var outcome: Outcome

    /// Creates an event.
    public init(name: String, key: RateLimitKey, outcome: Outcome) {
        self.name = name
        self.key = key
        self.outcome = outcome
    }
}
