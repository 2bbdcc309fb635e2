public import ParapetCore

/// A fixed-window rate limit shared by every proxy that counts in the same ``FixedWindowStore``: one
/// atomic increment per request, in a window aligned to the Unix epoch.
///
/// ``take(key:limit:window:)`` increments the key `parapet:rl:<key>:<window index>` in the store, which
/// gives a new key an expiry at the end of its window and answers with the count and the time the key has
/// left. Requests over the limit are still counted. Windows are numbered from the injected wall clock, so
/// proxies sharing a limit should keep their clocks in sync (NTP); a key never outlives its window.
///
/// When the store fails or is slower than its timeout, the counter does not throw: it calls ``onError``
/// and decides by its ``FailureMode`` — admitting (``FailureMode/open``, the default) or refusing until the
/// window ends (``FailureMode/closed``).
///
/// ```swift
/// let store = RedisFixedWindowStore(client: RedisClient(configuration: RedisConfiguration(host: "redis.internal")))
/// let counter = SharedFixedWindowCounter(store: store, wallClock: runtime.wallClock) { error in
///     logger.warning("rate limit store failed: \(error)")
/// }
/// let decision = await counter.take(key: clientIP, limit: 100, window: .seconds(60))
/// if !decision.isAllowed { /* 429, Retry-After: decision.retryAfter */ }
/// ```
///
/// ``SharedFixedWindowLimiter`` makes it a ``RateLimiter`` for the ``RateLimit`` middleware.
public struct SharedFixedWindowCounter: Sendable {
    /// What ``take(key:limit:window:)`` decides when the store cannot answer.
    public enum FailureMode: Sendable, Hashable {
        /// Admit the request: an outage of the store does not become an outage of the site.
        case open
        /// Refuse the request until the current window ends.
        case closed
    }

    /// The store the counter increments; its own timeout bounds every decision.
    public let store: any FixedWindowStore
    /// The clock that numbers the windows.
    public let wallClock: any WallClock
    /// What to decide when the store fails.
    public var failureMode: FailureMode
    /// Prepended to every key; `parapet:rl:` by default.
    public var keyPrefix: String
    /// Called with the error whenever the store fails or times out, before the fallback decision.
    public var onError: (@Sendable (any Error) -> Void)?

    /// Creates a counter on `store`, numbering windows by `wallClock`.
    public init(
        store: any FixedWindowStore,
        wallClock: any WallClock,
        failureMode: FailureMode = .open,
        keyPrefix: String = "parapet:rl:",
        onError: (@Sendable (any Error) -> Void)? = nil
    ) {
        self.store = store
        self.wallClock = wallClock
        self.failureMode = failureMode
        self.keyPrefix = keyPrefix
        self.onError = onError
    }

    /// Counts one request for `key` in the current window of length `window` (a window that is not
    /// positive counts as one second) and decides whether it is within `limit`.
    ///
    /// Never throws, and waits no longer than the store takes to answer or fail.
    ///
    /// ```swift
    /// switch await counter.take(key: "203.0.113.7", limit: 60, window: .seconds(60)) {
    /// case .allowed(let count, _): print("request \(count) of 60")
    /// case .limited(_, let retryAfter): print("retry in \(retryAfter)")
    /// case .failedOpen: print("the store is down; admitted")
    /// case .failedClosed(let retryAfter): print("the store is down; retry in \(retryAfter)")
    /// }
    /// ```
    public func take(key: String, limit: Int, window: Duration) async -> Decision {
        let position = FixedWindowPosition(at: wallClock.now, window: window)
        do {
            let (count, timeToLive) = try await store.increment(
                keyPrefix + key + ":" + String(position.index),
                expiringNewKeyAfter: position.remainingMilliseconds)
            // The window ends for this proxy at the earlier of its own boundary and the key's expiry.
            let resetIn = Duration.milliseconds(min(max(timeToLive, 1), position.remainingMilliseconds))
            return count <= limit
                ? .allowed(count: count, resetIn: resetIn) : .limited(count: count, retryAfter: resetIn)
        } catch {
            onError?(error)
            switch failureMode {
            case .open: return .failedOpen
            case .closed: return .failedClosed(retryAfter: position.remaining)
            }
        }
    }
}
