extension JWT {
    /// Where a token is looked for.
    public enum TokenSource: Sendable, Equatable {
        /// `Authorization: Bearer <token>`, the scheme matched without regard to case (RFC 9110 §11.1).
        case bearer
        /// The cookie `name`.
        case cookie(String)
        /// The query parameter `name`.
        case query(String)
    }

    /// What happened to one request, for metrics.
    public enum Outcome: Sendable, Equatable {
        /// The token verified; `cached` when the verified-token cache answered without a signature check.
        case accepted(subject: String?, cached: Bool)
        /// The request was answered `401` (or `503` for ``Rejection/keysUnavailable``) for `reason`.
        case rejected(Rejection)
        /// The token verified but ``Options/authorize`` refused its claims: answered `403`.
        case forbidden(subject: String?)
    }

    /// Hears every outcome, synchronously on the request's task; keep it cheap.
    public typealias Observer = @Sendable (Outcome) -> Void

    /// What a ``JWT`` authenticator accepts, where it looks, and whom it tells.
    ///
    /// ```swift
    /// let options = JWT.Options(
    ///     algorithms: [.rs256],
    ///     issuers: ["https://issuer.example"],
    ///     audiences: ["api"],
    ///     authorize: { claims in claims["scope"]?.stringValue?.contains("read") ?? false },
    ///     observe: { outcome in metrics.record(outcome) }
    /// )
    /// ```
    public struct Options: Sendable {
        /// The algorithms a token may use; at least one, and every configured key's algorithm among them.
        public var algorithms: [Algorithm]
        /// Accepted `iss` values; empty accepts any issuer (and none).
        public var issuers: [String]
        /// Accepted `aud` values, one of which the token's `aud` (a string or an array) must name; empty
        /// does not check the audience.
        public var audiences: [String]
        /// How far `exp`, `nbf` and `iat` may be off the wall clock: 60 s by default, not negative.
        public var leeway: Duration
        /// Whether a token without `exp` is rejected: yes by default.
        public var requiresExpiration: Bool
        /// Where tokens are looked for, in order: the bearer `Authorization` field by default.
        public var tokenSources: [TokenSource]
        /// The longest token accepted, in bytes: 8 KiB by default, at least 64. The header segment may
        /// take at most 2 KiB of it.
        public var maxTokenBytes: Int
        /// The realm in `WWW-Authenticate`: printable ASCII without `"` or `\`.
        public var realm: String
        /// A predicate on verified claims; a token it refuses is answered `403`. `nil` admits every
        /// verified token.
        public var authorize: (@Sendable (Claims) -> Bool)?
        /// How many verified tokens are remembered so that a client repeating one skips the signature
        /// check (Envoy's `jwt_cache_config`): 1,000 by default; `0` turns the cache off. An entry never
        /// outlives its token's `exp` nor a change of key set.
        public var cachedTokens: Int
        /// Whether error answers are JSON (`{"error":…}`) rather than plain text.
        public var errorFormat: ErrorFormat
        /// Hears every outcome; `nil` by default.
        public var observe: Observer?

        /// Creates options; only `algorithms` has no default.
        public init(
            algorithms: [Algorithm],
            issuers: [String] = [],
            audiences: [String] = [],
            leeway: Duration = .seconds(60),
            requiresExpiration: Bool = true,
            tokenSources: [TokenSource] = [.bearer],
            maxTokenBytes: Int = 8192,
            realm: String = "parapet",
            authorize: (@Sendable (Claims) -> Bool)? = nil,
            cachedTokens: Int = 1000,
            errorFormat: ErrorFormat = .text,
            observe: Observer? = nil
        ) {
            self.algorithms = algorithms
            self.issuers = issuers
            self.audiences = audiences
            self.leeway = leeway
            self.requiresExpiration = requiresExpiration
            self.tokenSources = tokenSources
            self.maxTokenBytes = maxTokenBytes
            self.realm = realm
            self.authorize = authorize
            self.cachedTokens = cachedTokens
            self.errorFormat = errorFormat
            self.observe = observe
        }
    }
}
