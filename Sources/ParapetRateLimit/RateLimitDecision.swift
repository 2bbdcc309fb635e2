/// A ``RateLimiter``'s answer for one request, once any waiting is over.
///
/// ```swift
/// switch try await limiter.acquire(key) {
/// case .allowed(_, let permit):
///     defer { permit?.release() }
///     return try await next.handle(request, context: context)
/// case .limited(_, let retryAfter):
///     return .error(.tooManyRequests)
/// }
/// ```
public enum RateLimitDecision: Sendable {
    /// Serve the request. A concurrency limiter hands out a `permit`, to be released when the response is
    /// over; rate limiters hand out none.
    case allowed(RateLimitStatus, permit: RateLimitPermit?)
    /// Refuse the request; the same key may try again after `retryAfter` (a hint: one second when the
    /// limiter cannot know, as for a concurrency limit).
    case limited(RateLimitStatus, retryAfter: Duration)
}
