import HTTPTypes
public import ParapetCore

/// Sets `Strict-Transport-Security` on responses to HTTPS requests, telling browsers to use only
/// HTTPS for this host from now on.
///
/// ```swift
/// let site = Host("example.com")
/// site.use(Redirect.https)
/// site.use(HSTS.preload)   // Strict-Transport-Security: max-age=63072000; includeSubDomains; preload
/// site.use(backend)
/// ```
///
/// The header goes only on responses to requests the client made over HTTPS (by `X-Forwarded-Proto`,
/// which the server settles by the trusted-proxy rules): RFC 6797 forbids it over plain HTTP. It
/// replaces any `Strict-Transport-Security` the upstream sent, so a response never carries two.
public struct HSTS: Middleware {
    /// How long browsers remember to use only HTTPS, in whole seconds.
    public let maxAge: Duration
    /// Whether the policy covers every subdomain too (`includeSubDomains`).
    public let includesSubdomains: Bool
    /// Whether the host asks to be built into browsers' preload lists (`preload`).
    public let requestsPreload: Bool

    /// One year, without subdomains or preload: `max-age=31536000`.
    public static let `default` = HSTS(maxAge: .seconds(31_536_000))

    /// Two years, with subdomains and preload, as the browsers' preload lists ask:
    /// `max-age=63072000; includeSubDomains; preload`.
    public static let preload = HSTS(maxAge: .seconds(63_072_000), includesSubdomains: true, requestsPreload: true)

    /// The shortest `max-age` the browsers' preload lists accept: one year.
    static let minimumPreloadAge = Duration.seconds(31_536_000)

    /// Creates a policy.
    ///
    /// ```swift
    /// let trial = HSTS(maxAge: .seconds(300))   // try HSTS for five minutes before committing
    /// ```
    ///
    /// The build reports a ``ParapetCore/ConfigurationError`` naming `maxAge` when it is negative, and —
    /// when `requestsPreload` is set — `maxAge` under a year and `includesSubdomains` unset (the preload
    /// lists refuse such a policy).
    public init(maxAge: Duration, includesSubdomains: Bool = false, requestsPreload: Bool = false) {
        self.maxAge = maxAge
        self.includesSubdomains = includesSubdomains
        self.requestsPreload = requestsPreload
    }

    /// The header value, e.g. `max-age=63072000; includeSubDomains; preload`.
    var headerValue: String {
        var value = "max-age=\(maxAge.components.seconds)"
        if includesSubdomains { value += "; includeSubDomains" }
        if requestsPreload { value += "; preload" }
        return value
    }

    /// Checks the policy, then returns the handler setting it on the HTTPS responses of `next`.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError`` naming each field that breaks the rules of
    ///   ``init(maxAge:includesSubdomains:requestsPreload:)``.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        var check = ConfigurationCheck()
        check.nonNegative(maxAge, "maxAge")
        if requestsPreload {
            if maxAge >= .zero {
                check.require(
                    maxAge >= Self.minimumPreloadAge, "maxAge", "must be at least a year to request preload, got \(maxAge)")
            }
            check.require(includesSubdomains, "includesSubdomains", "must be set to request preload")
        }
        try check.result()
        return PolicyHandler(value: headerValue, next: next)
    }

    struct PolicyHandler: Handler {
        let value: String
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            let isHTTPS = ForwardedScheme.isHTTPS(request, context: context)
            var response = try await next.handle(request, context: context)
            if isHTTPS {
                response.headerFields[.strictTransportSecurity] = value
            }
            return response
        }
    }
}
