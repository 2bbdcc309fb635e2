public import ParapetCore

/// Authenticates requests by a JSON Web Token (RFC 7519) signed with a pinned algorithm, answering `401`
/// with a `Bearer` challenge when the token is missing or invalid and `403` when
/// ``Options/authorize`` refuses its claims. The verified claims ride on the request context
/// (``ParapetCore/RequestContext/jwtClaims``) and the subject on the access log (`subject`).
///
/// ```swift
/// server.use(JWT(
///     keys: .jwks(JWKSKeySource(url: "https://issuer.example/.well-known/jwks.json", transport: client)),
///     options: .init(algorithms: [.rs256], issuers: ["https://issuer.example"], audiences: ["api"])
/// ))
/// ```
///
/// The checks, in order — each failing with its own ``Rejection``: size; three canonical base64url
/// segments; a header that is a JSON object with unique names; `alg` present, not `none`, and in
/// ``Options/algorithms``; no `crit`; a key selected by `kid` (an unknown `kid` triggers at most one shared,
/// rate-limited refresh of a JWKS) and pinned to the header's `alg`; the signature; a payload that is a
/// JSON object; `exp`, `nbf`, `iat` on the runtime's wall clock with ``Options/leeway``; `iss`; `aud`.
/// Header members naming key sources (`jku`, `x5u`, `jwk`, `x5c`) are never followed.
public struct JWT: Middleware {
    /// Where the verification keys come from.
    public let keys: Keys
    /// What is accepted and what is answered.
    public let options: Options

    /// Creates an authenticator; nothing is checked until the chain is built.
    public init(keys: Keys, options: Options) {
        self.keys = keys
        self.options = options
    }

    /// Checks the options and keys, starts the key source's background refresh, and returns the
    /// authenticating handler in front of `next`.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError`` naming every value that cannot work.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        var check = ConfigurationCheck()
        check.require(!options.algorithms.isEmpty, "JWT.Options.algorithms", "must name at least one algorithm")
        check.require(options.leeway >= .zero, "JWT.Options.leeway", "must not be negative, got \(options.leeway)")
        check.require(!options.tokenSources.isEmpty, "JWT.Options.tokenSources", "must name at least one source")
        for source in options.tokenSources {
            switch source {
            case .bearer: break
            case .cookie(let name), .query(let name):
                check.require(!name.isEmpty, "JWT.Options.tokenSources", "a cookie or query name must not be empty")
            }
        }
        check.atLeast(64, options.maxTokenBytes, "JWT.Options.maxTokenBytes")
        check.nonNegative(options.cachedTokens, "JWT.Options.cachedTokens")
        check.require(
            isQuotable(options.realm), "JWT.Options.realm",
            "must be printable ASCII without '\"' or '\\', got \"\(options.realm)\"")
        for problem in keys.provider.configurationProblems(accepting: options.algorithms) {
            check.fail(problem.field ?? "JWT.keys", problem.reason)
        }
        try check.result()
        keys.provider.start(in: environment)
        return JWTHandler(
            next: next,
            verifier: TokenVerifier(
                provider: keys.provider,
                rules: CompactToken.Rules(
                    algorithms: Set(options.algorithms),
                    maxTokenBytes: options.maxTokenBytes,
                    maxHeaderBytes: min(2048, options.maxTokenBytes)),
                claimRules: ClaimRules(
                    issuers: options.issuers, audiences: options.audiences, leeway: options.leeway,
                    requiresExpiration: options.requiresExpiration),
                cache: options.cachedTokens > 0 ? VerifiedTokenCache(capacity: options.cachedTokens) : nil),
            options: options)
    }
}

extension ConfigurationError {
    /// The reason of a single invalid value.
    var reason: String {
        if case .invalidValue(_, let reason) = self { return reason }
        return description
    }
}
