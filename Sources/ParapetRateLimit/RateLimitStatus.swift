/// What is left of a key's quota after a decision: the `r` and `t` parameters of the `RateLimit` field.
///
/// ```swift
/// let status = RateLimitStatus(remaining: 57, reset: .seconds(41))
/// // RateLimit: "fixed-60-per-60s";r=57;t=41
/// ```
public struct RateLimitStatus: Sendable, Hashable {
    /// How many more requests the key may make now without being limited.
    public var remaining: Int
    /// How long until the quota is next replenished; `nil` when no time applies (a concurrency limit
    /// frees a slot whenever a response ends).
    public var reset: Duration?

    /// Creates a status.
    public init(remaining: Int, reset: Duration?) {
        self.remaining = remaining
        self.reset = reset
    }
}
