/// The quota a limiter enforces per key, as the `RateLimit-Policy` field advertises it: `limit` units per
/// `window`.
///
/// ```swift
/// let perMinute = RateLimitQuota(limit: 300, window: .seconds(60))
/// // RateLimit-Policy: "fixed-300-per-60s";q=300;w=60
/// let inFlight = RateLimitQuota(limit: 8, window: nil, unit: .concurrentRequests)
/// // RateLimit-Policy: "concurrent-8";q=8;qu="concurrent-requests"
/// ```
public struct RateLimitQuota: Sendable, Hashable {
    /// What the quota counts: the `qu` parameter of `RateLimit-Policy`.
    ///
    /// ```swift
    /// print(RateLimitQuota.Unit.concurrentRequests.rawValue)   // concurrent-requests
    /// ```
    public enum Unit: String, Sendable, Hashable {
        /// Requests made within the window (the default unit, not sent).
        case requests
        /// Requests in flight at once.
        case concurrentRequests = "concurrent-requests"
    }

    /// The number of units allowed per key: the `q` parameter.
    public var limit: Int
    /// The time the limit applies to; `nil` for a concurrency limit. Advertised only when it is a whole
    /// number of seconds, as the field requires (the `w` parameter).
    public var window: Duration?
    /// What the limit counts.
    public var unit: Unit

    /// Creates a quota.
    public init(limit: Int, window: Duration?, unit: Unit = .requests) {
        self.limit = limit
        self.window = window
        self.unit = unit
    }
}
