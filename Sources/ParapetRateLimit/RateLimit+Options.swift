import HTTPTypes
public import ParapetCore

extension RateLimit {
    /// Answers a request that is over its quota.
    ///
    /// ```swift
    /// let handler: RateLimit.ExceededHandler = { _, _, rejection in
    ///     var response = Response.error(.serviceUnavailable)
    ///     response.headerFields[.retryAfter] = rejection.retryAfterField
    ///     return response
    /// }
    /// ```
    public typealias ExceededHandler = @Sendable (Request, RequestContext, RateLimitRejection) async throws -> Response

    /// Hears every decision, synchronously on the request's task; keep it cheap.
    public typealias Observer = @Sendable (RateLimitEvent) -> Void

    /// The default ``ExceededHandler``: `429 Too Many Requests` as plain text, with `Retry-After` in whole
    /// seconds rounded up — never `0`.
    ///
    /// ```swift
    /// // HTTP/1.1 429 Too Many Requests
    /// // Retry-After: 2
    /// let options = RateLimit.Options(onExceeded: RateLimit.tooManyRequests)
    /// ```
    public static let tooManyRequests: ExceededHandler = { _, _, rejection in
        var response = Response.error(.tooManyRequests)
        response.headerFields[.retryAfter] = rejection.retryAfterField
        return response
    }

    /// How a ``RateLimit`` finds keys, which requests it applies to, what it answers and whom it tells.
    ///
    /// ```swift
    /// let options = RateLimit.Options(
    ///     name: "api",
    ///     key: .header(HTTPField.Name("X-API-Key")!),
    ///     appliesTo: { request, _ in request.path?.hasPrefix("/api/") ?? false },
    ///     sendsRateLimitFields: true,
    ///     observe: { event in metrics.record(event) }
    /// )
    /// server.use(RateLimit.slidingWindow(perMinute: 600, options: options))
    /// ```
    public struct Options: Sendable {
        /// The limiter's name: the policy name in the `RateLimit` fields and the name in events. `nil` takes
        /// the strategy's (such as `fixed-60-per-1s`). It must be 1 to 128 printable ASCII characters; give
        /// stacked limiters with the same strategy different names.
        public var name: String?
        /// How a request's key is found; ``Keying/clientIP`` by default.
        public var key: Keying
        /// The predicate hook deciding which requests the limiter applies to; `nil` applies it to all.
        /// Other requests pass without being counted.
        public var appliesTo: RequestPredicate?
        /// Whether responses carry the `RateLimit-Policy` and `RateLimit` fields of
        /// draft-ietf-httpapi-ratelimit-headers; off by default.
        ///
        /// ```swift
        /// options.sendsRateLimitFields = true   // RateLimit-Policy: "api";q=600;w=60
        /// ```
        public var sendsRateLimitFields: Bool
        /// Answers requests over their quota; ``RateLimit/tooManyRequests`` by default.
        public var onExceeded: ExceededHandler
        /// Hears every decision (allowed or limited); `nil` by default.
        public var observe: Observer?
        /// The network size, in bits, that IPv6 address keys are grouped by: `64` by default, so a
        /// subscriber's whole /64 — which it can hop around in at will — is one client; `128` keys every
        /// address on its own. IPv4 addresses are always keyed one by one. It must be between 1 and 128.
        ///
        /// Changed from earlier versions, which keyed every IPv6 address on its own.
        ///
        /// ```swift
        /// options.ipv6PrefixLength = 56   // one key per /56, as some ISPs delegate
        /// ```
        public var ipv6PrefixLength: Int
        /// The most keys a limiter remembers at once: `100_000` by default, at least 1.
        ///
        /// A window or leaky-bucket limiter that meets a new key with the table full forgets the key used
        /// least recently to make room, so memory stays bounded however many clients (or forged
        /// addresses) arrive; the forgotten key's next request starts afresh, as after a quiet spell. A
        /// request is never refused because the table is full. Idle keys are forgotten long before that, a
        /// bounded batch at a time, by the limiter's janitor.
        ///
        /// A concurrency limiter remembers only keys with requests in flight or waiting, and evicting one
        /// would lose track of its slots: at the cap a request under a *new* key is refused as over its
        /// quota (`Retry-After: 1`) until a key frees, while keys already counted carry on as usual.
        ///
        /// A limiter of your own (``Strategy/init(name:makeLimiter:)``) bounds its state itself.
        ///
        /// ```swift
        /// options.maxKeys = 1_000_000   // a large public API
        /// ```
        public var maxKeys: Int

        /// Creates options; by default requests are keyed by client address (IPv6 by /64) and answered
        /// `429`, with no `RateLimit` fields and no observer, and at most 100,000 keys are remembered.
        public init(
            name: String? = nil,
            key: Keying = .clientIP,
            appliesTo: RequestPredicate? = nil,
            sendsRateLimitFields: Bool = false,
            onExceeded: @escaping ExceededHandler = RateLimit.tooManyRequests,
            observe: Observer? = nil,
            ipv6PrefixLength: Int = 64,
            maxKeys: Int = 100_000
        ) {
            self.name = name
            self.key = key
            self.appliesTo = appliesTo
            self.sendsRateLimitFields = sendsRateLimitFields
            self.onExceeded = onExceeded
            self.observe = observe
            self.ipv6PrefixLength = ipv6PrefixLength
            self.maxKeys = maxKeys
        }
    }
}
