public import HTTPTypes
public import ParapetCore

/// Cross-origin resource sharing: answers browsers' preflight requests and marks the responses of allowed
/// origins so that scripts on those origins may read them.
///
/// A request without an `Origin` field is not a CORS request and passes through untouched (a restricted
/// policy still adds `Vary: Origin` to its response, so a shared cache never serves it to a
/// cross-origin request). For one with an `Origin`:
///
/// - an origin the policy does not allow is answered `403 Forbidden`, with an empty body, and the next
///   handler never runs — preflight or not;
/// - a preflight — `OPTIONS` with `Access-Control-Request-Method` — is answered directly with
///   ``preflightStatus``, the allowed methods and headers, ``maxAge`` and, when allowed, credentials;
/// - any other request goes to the next handler, and its response gets `Access-Control-Allow-Origin`,
///   ``exposedHeaders`` and credentials. These replace what an upstream sent under the same names (the
///   field appears once), and `Vary: Origin` is merged into the response's `Vary`, keeping its values.
///
/// With ``AllowedOrigins/all`` the origin is answered `*`; otherwise the request's own origin is echoed.
///
/// ```swift
/// api.use(CORS(
///     allowedOrigins: .list(["https://app.example.com", "https://admin.example.com"]),
///     allowedHeaders: ["Authorization", "Content-Type", "X-Request-Id"],
///     exposedHeaders: ["X-Request-Id"],
///     allowsCredentials: true
/// ))
/// ```
public struct CORS: Middleware {
    /// Which origins may read responses.
    public enum AllowedOrigins: Sendable {
        /// Every origin, answered `*`; cannot be combined with credentials.
        case all
        /// Exactly these serialized origins (`https://app.example.com`, compared as strings).
        case list([String])
        /// The origins for which the predicate holds, e.g. every subdomain of a site.
        ///
        /// ```swift
        /// .matching { $0.hasPrefix("https://") && $0.hasSuffix(".example.com") }
        /// ```
        case matching(@Sendable (String) -> Bool)
    }

    /// Which origins may read responses; ``AllowedOrigins/all`` by default.
    public var allowedOrigins: AllowedOrigins
    /// The methods a preflight allows (`Access-Control-Allow-Methods`).
    public var allowedMethods: [HTTPRequest.Method]
    /// The request fields a preflight allows (`Access-Control-Allow-Headers`).
    public var allowedHeaders: [String]
    /// The response fields scripts may read besides the safelisted ones (`Access-Control-Expose-Headers`).
    public var exposedHeaders: [String]
    /// Whether requests may carry credentials (`Access-Control-Allow-Credentials: true`); needs a list of
    /// origins or a predicate, never ``AllowedOrigins/all``.
    public var allowsCredentials: Bool
    /// How long a browser may cache a preflight's answer (`Access-Control-Max-Age`, whole seconds); `nil`
    /// leaves it to the browser's default.
    public var maxAge: Duration?
    /// The status of a preflight's answer: `204 No Content` (the default) or `200 OK`.
    public var preflightStatus: HTTPResponse.Status

    /// Creates a policy; the defaults suit a public API: every origin, the usual methods, `Authorization`
    /// and `Content-Type`, no credentials, preflights cached for an hour.
    public init(
        allowedOrigins: AllowedOrigins = .all,
        allowedMethods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete],
        allowedHeaders: [String] = ["Authorization", "Content-Type"],
        exposedHeaders: [String] = [],
        allowsCredentials: Bool = false,
        maxAge: Duration? = .seconds(3_600),
        preflightStatus: HTTPResponse.Status = .noContent
    ) {
        self.allowedOrigins = allowedOrigins
        self.allowedMethods = allowedMethods
        self.allowedHeaders = allowedHeaders
        self.exposedHeaders = exposedHeaders
        self.allowsCredentials = allowsCredentials
        self.maxAge = maxAge
        self.preflightStatus = preflightStatus
    }

    /// Checks the policy and returns the handler applying it.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` naming the bad field:
    ///   credentials with every origin, an empty origin list, an invalid header name, a negative max age,
    ///   or a preflight status other than 200 and 204.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        CORSHandler(policy: try CORSPolicy(self), next: next)
    }

    struct CORSHandler: Handler {
        let policy: CORSPolicy
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            switch policy.decide(request.head) {
            case .notCrossOrigin:
                var response = try await next.handle(request, context: context)
                if policy.isRestricted {
                    response.headerFields.mergeVary("Origin")
                }
                return response
            case .rejected:
                return Response(status: .forbidden, headerFields: [.vary: "Origin"])
            case .preflight(let fields):
                return Response(status: policy.preflightStatus, headerFields: fields)
            case .allowed(let allowOrigin):
                var response = try await next.handle(request, context: context)
                policy.decorate(&response.headerFields, allowOrigin: allowOrigin)
                return response
            }
        }
    }
}
