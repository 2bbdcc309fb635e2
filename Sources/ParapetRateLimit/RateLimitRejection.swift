/// Why a request was refused, handed to the ``RateLimit/Options/onExceeded`` handler.
///
/// ```swift
/// let options = RateLimit.Options(onExceeded: { request, context, rejection in
///     var response = Response.text("slow down, \(rejection.name)\n", status: .tooManyRequests)
///     response.headerFields[.retryAfter] = rejection.retryAfterField
///     return response
/// })
/// ```
public struct RateLimitRejection: Sendable, Hashable {
    /// The limiter's name.
    public var name: String
    /// The key the request was counted under.
    public var key: RateLimitKey
    /// How long until a request under the same key would be admitted (a hint for concurrency limits).
    public var retryAfter: Duration
    /// What is left of the quota: nothing, and when it is replenished.
    public var status: RateLimitStatus

    /// Creates a rejection.
    ///
    /// ```swift
    /// let rejection = RateLimitRejection(name: "api", key: RateLimitKey("k"), retryAfter: .milliseconds(1_200),
    ///                                    status: RateLimitStatus(remaining: 0, reset: .milliseconds(1_200)))
    /// ```
    public init(name: String, key: RateLimitKey, retryAfter: Duration, status: RateLimitStatus) {
        self.name = name
        self.key = key
        self.retryAfter = retryAfter
        self.status = status
    }

    /// ``retryAfter`` in whole seconds, rounded up and never below 1: a client told `0` would retry at
    /// once and be refused again.
    ///
    /// ```swift
    /// RateLimitRejection(name: "a", key: key, retryAfter: .milliseconds(1), status: status).retryAfterSeconds   // 1
    /// ```
    public var retryAfterSeconds: Int64 {
        max(retryAfter.secondsRoundedUp, 1)
    }

    /// The `Retry-After` field value: ``retryAfterSeconds`` as delay-seconds.
    ///
    /// ```swift
    /// response.headerFields[.retryAfter] = rejection.retryAfterField   // "2" for 1.2 s
    /// ```
    public var retryAfterField: String {
        String(retryAfterSeconds)
    }
}
