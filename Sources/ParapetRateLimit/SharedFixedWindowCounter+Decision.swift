extension SharedFixedWindowCounter {
    /// The outcome of one ``SharedFixedWindowCounter/take(key:limit:window:)``.
    ///
    /// ```swift
    /// let decision = await counter.take(key: key, limit: 10, window: .seconds(1))
    /// if let wait = decision.retryAfter { /* 429 with Retry-After: ceil(wait) */ }
    /// ```
    public enum Decision: Sendable, Hashable {
        /// Within the limit: this is request number `count` of the window, which resets in `resetIn`.
        case allowed(count: Int, resetIn: Duration)
        /// Over the limit: `count` requests so far (this one included); the window resets in `retryAfter`.
        case limited(count: Int, retryAfter: Duration)
        /// The store failed or timed out, and the counter fails open: admitted uncounted.
        case failedOpen
        /// The store failed or timed out, and the counter fails closed: refused until the window ends in
        /// `retryAfter` (by the local clock).
        case failedClosed(retryAfter: Duration)

        /// Whether the request may proceed: ``allowed(count:resetIn:)`` or ``failedOpen``.
        public var isAllowed: Bool {
            switch self {
            case .allowed, .failedOpen: true
            case .limited, .failedClosed: false
            }
        }

        /// How long a refused client should wait; `nil` for an admitted request.
        public var retryAfter: Duration? {
            switch self {
            case .limited(_, let retryAfter), .failedClosed(let retryAfter): retryAfter
            case .allowed, .failedOpen: nil
            }
        }
    }
}
