extension JWKSKeySource {
    /// How often a JWKS is fetched, how long a fetch may take and how large the document may be.
    ///
    /// ```swift
    /// JWKSKeySource.Options(refreshInterval: .seconds(300), minimumRefreshInterval: .seconds(10))
    /// ```
    public struct Options: Sendable {
        /// The time between scheduled refreshes after a good fetch: 10 minutes by default.
        public var refreshInterval: Duration
        /// The time before the next try after a failed fetch: 30 s by default.
        public var retryInterval: Duration
        /// The least time between two fetches started for unknown `kid`s: 30 s by default, so tokens with
        /// invented ids cannot drive the endpoint.
        public var minimumRefreshInterval: Duration
        /// How long one fetch may take, head and body: 5 s by default.
        public var timeout: Duration
        /// The largest document accepted: 256 KiB by default.
        public var maxResponseBytes: Int
        /// The algorithm a key pins when its JWK names none (RSA keys take RS256 when this is `nil`; EC
        /// and OKP keys take their curve's).
        public var algorithm: JWT.Algorithm?
        /// Hears the outcome of every fetch; `nil` by default.
        public var observe: (@Sendable (FetchOutcome) -> Void)?

        /// Creates options.
        public init(
            refreshInterval: Duration = .seconds(600),
            retryInterval: Duration = .seconds(30),
            minimumRefreshInterval: Duration = .seconds(30),
            timeout: Duration = .seconds(5),
            maxResponseBytes: Int = 256 * 1024,
            algorithm: JWT.Algorithm? = nil,
            observe: (@Sendable (FetchOutcome) -> Void)? = nil
        ) {
            self.refreshInterval = refreshInterval
            self.retryInterval = retryInterval
            self.minimumRefreshInterval = minimumRefreshInterval
            self.timeout = timeout
            self.maxResponseBytes = maxResponseBytes
            self.algorithm = algorithm
            self.observe = observe
        }
    }
}
