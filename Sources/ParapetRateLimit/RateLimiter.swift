/// A rate-limiting algorithm with its per-key state: what a ``RateLimit`` middleware consults for every
/// request it applies to.
///
/// The built-in limiters come from ``RateLimit/Strategy``; a limiter of your own (a shared store, a quota
/// service) plugs in through ``RateLimit/Strategy/init(name:makeLimiter:)``.
///
/// ```swift
/// final class EveryOther: RateLimiter {
///     let counter = Mutex(0)
///     var quota: RateLimitQuota { RateLimitQuota(limit: 1, window: .seconds(1)) }
///     func acquire(_ key: RateLimitKey) async throws -> RateLimitDecision {
///         let admit = counter.withLock { count in count += 1; return count % 2 == 1 }
///         let status = RateLimitStatus(remaining: 0, reset: .seconds(1))
///         return admit ? .allowed(status, permit: nil) : .limited(status, retryAfter: .seconds(1))
///     }
/// }
/// ```
public protocol RateLimiter: Sendable {
    /// The quota enforced per key, advertised in the `RateLimit-Policy` field.
    var quota: RateLimitQuota { get }

    /// Decides whether a request under `key` may proceed, first waiting as long as the algorithm queues
    /// requests (a leaky bucket's delay, a concurrency queue).
    ///
    /// ```swift
    /// if case .limited(_, let retryAfter) = try await limiter.acquire(RateLimitKey("tenant:acme")) {
    ///     print("over quota for \(retryAfter)")
    /// }
    /// ```
    ///
    /// - Throws: `CancellationError` when the request's task is cancelled while it waits.
    func acquire(_ key: RateLimitKey) async throws -> RateLimitDecision
}
