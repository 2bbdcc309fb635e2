public import HTTPTypes

extension ForwardAuth {
    /// What to do when the auth service cannot be asked (a transport error or a timeout).
    public enum FailureMode: Sendable, Equatable {
        /// Answer `503 Service Unavailable`: nothing passes unchecked. The default.
        case closed
        /// Let the request through unchecked.
        case open
    }

    /// What happened to one request, for metrics.
    public enum Outcome: Sendable, Equatable {
        /// The service answered 2xx (or a cached 2xx answered for it).
        case allowed(cached: Bool)
        /// The service answered `status`, which was relayed to the client.
        case denied(status: Int)
        /// The service could not be asked; ``FailureMode`` decided.
        case failed(reason: String)
    }

    /// Where the auth service is, what it is sent, what is taken from its answer.
    ///
    /// ```swift
    /// ForwardAuth.Options(
    ///     authority: "auth.internal", path: "/verify",
    ///     requestFields: [.authorization, .cookie],
    ///     copiedResponseFields: [HTTPField.Name("X-User")!],
    ///     cacheKey: .authorization, cacheTTL: .seconds(10)
    /// )
    /// ```
    public struct Options: Sendable {
        /// The `Host` of the auth request.
        public var authority: String
        /// The path the auth request asks for: `/` by default.
        public var path: String
        /// The original request's fields sent along; `nil` (the default) sends all but hop-by-hop and
        /// body fields.
        public var requestFields: [HTTPField.Name]?
        /// Fields of a 2xx answer copied onto the request (replacing any the client sent).
        public var copiedResponseFields: [HTTPField.Name]
        /// How long the auth service may take to answer: 5 s by default.
        public var timeout: Duration
        /// What happens when it cannot be asked: ``FailureMode/closed`` by default.
        public var failureMode: FailureMode
        /// The request field whose value keys the cache of 2xx answers; `nil` (the default) caches nothing.
        public var cacheKey: HTTPField.Name?
        /// How long a cached 2xx answer is reused: 10 s by default.
        public var cacheTTL: Duration
        /// The most answers cached: 10,000 by default.
        public var maxCachedAnswers: Int
        /// Hears every outcome; `nil` by default.
        public var observe: (@Sendable (Outcome) -> Void)?

        /// Creates options; only `authority` has no default.
        public init(
            authority: String,
            path: String = "/",
            requestFields: [HTTPField.Name]? = nil,
            copiedResponseFields: [HTTPField.Name] = [],
            timeout: Duration = .seconds(5),
            failureMode: FailureMode = .closed,
            cacheKey: HTTPField.Name? = nil,
            cacheTTL: Duration = .seconds(10),
            maxCachedAnswers: Int = 10_000,
            observe: (@Sendable (Outcome) -> Void)? = nil
        ) {
            self.authority = authority
            self.path = path
            self.requestFields = requestFields
            self.copiedResponseFields = copiedResponseFields
            self.timeout = timeout
            self.failureMode = failureMode
            self.cacheKey = cacheKey
            self.cacheTTL = cacheTTL
            self.maxCachedAnswers = maxCachedAnswers
            self.observe = observe
        }
    }
}
