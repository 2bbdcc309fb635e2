/// What a rate rule decided for one request, as a pure value: go (perhaps after a wait) or be refused.
///
/// ```swift
/// switch rule.admit(&state, at: now) {
/// case .admitted(let delay, _) where delay > .zero: try await clock.sleep(for: delay)
/// case .admitted: break
/// case .limited(let retryAfter, _): return tooManyRequests(after: retryAfter)
/// }
/// ```
public enum RateLimitVerdict: Sendable, Hashable {
    /// The request may proceed after `delay` (`.zero`: at once); `status` is what is left afterwards.
    case admitted(delay: Duration, status: RateLimitStatus)
    /// The request is refused; a request under the same key would be admitted after `retryAfter`, which
    /// is always positive.
    case limited(retryAfter: Duration, status: RateLimitStatus)
}
