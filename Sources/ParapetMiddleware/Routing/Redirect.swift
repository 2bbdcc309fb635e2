public import HTTPTypes
public import ParapetCore

/// Answers with a redirect: to HTTPS, to the `www.` or bare name of the requested host, or to a fixed
/// target. Requests that need no redirect go on to the next handler.
///
/// ```swift
/// let site = Host("example.com", "www.example.com")
/// site.use(Redirect.https)       // http://www.example.com:8080/a?b → https://www.example.com:8080/a?b
/// site.use(HSTS.preload)
/// site.use(Redirect.nonWWW)      // https://www.example.com/a?b → https://example.com/a?b
/// site.use(backend)
///
/// let mail = Host("mail.example.com")
/// mail.use(Redirect(to: "https://mail.google.com/a/example.com", status: .found))
/// ```
///
/// Host-based redirects keep the request's path and query byte for byte and the host as it was sent;
/// they drop a port that is the default for the old or new scheme (`:80`, `:443`) and keep any other.
/// The scheme the client used comes from `X-Forwarded-Proto`, which the server has already settled by
/// the trusted-proxy rules, so a client cannot fake it.
///
/// The status defaults to `301 Moved Permanently`; pick `308 Permanent Redirect` or
/// `307 Temporary Redirect` to keep the method and body of a `POST`.
///
/// A redirect answering `GET` carries the short HTML body browsers and the Go original show —
/// `<a href="https://example.com/a">Moved Permanently</a>.` — with `Content-Type: text/html;
/// charset=utf-8` (`HEAD` gets the type without the body); see ``response(to:status:method:)``.
public struct Redirect: Middleware {
    /// Where a redirect points.
    enum Destination: Equatable, Sendable {
        /// The same URL over HTTPS, for requests that came over plain HTTP.
        case https
        /// The same URL on `www.` + host, for hosts without it.
        case www
        /// The same URL on the host without `www.`, for hosts with it.
        case nonWWW
        /// Always this target.
        case fixed(String)
    }

    let destination: Destination
    let status: HTTPResponse.Status

    private init(_ destination: Destination, status: HTTPResponse.Status) {
        self.destination = destination
        self.status = status
    }

    /// Redirects requests that came over plain HTTP to the same URL over HTTPS, with
    /// `301 Moved Permanently`. A plain-HTTP request whose URL cannot be rebuilt (no valid `Host`, or a
    /// target that is not a path) is answered `400 Bad Request` rather than served insecurely.
    public static let https = Redirect(.https, status: .movedPermanently)

    /// Redirects requests for a host without `www.` to `www.` + host, with `301 Moved Permanently`. IP
    /// addresses are left alone.
    public static let www = Redirect(.www, status: .movedPermanently)

    /// Redirects requests for a `www.` host (any case) to the host without it, with
    /// `301 Moved Permanently`.
    public static let nonWWW = Redirect(.nonWWW, status: .movedPermanently)

    /// ``https`` with another status: 301, 302, 303, 307 or 308; any other is reported when the chain is
    /// built.
    public static func https(status: HTTPResponse.Status) -> Redirect {
        Redirect(.https, status: status)
    }

    /// ``www`` with another status, checked as ``https(status:)``.
    public static func www(status: HTTPResponse.Status) -> Redirect {
        Redirect(.www, status: status)
    }

    /// ``nonWWW`` with another status, checked as ``https(status:)``.
    public static func nonWWW(status: HTTPResponse.Status) -> Redirect {
        Redirect(.nonWWW, status: status)
    }

    /// Redirects every request to `target` (an absolute URL, or a reference the client resolves against
    /// the request URL), never calling the next handler.
    ///
    /// ```swift
    /// mail.use(Redirect(to: "https://mail.google.com/a/example.com", status: .found))
    /// ```
    ///
    /// The build reports a ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for `target`
    /// when it is empty or not a valid header value (control characters, line breaks), and for `status`
    /// as ``https(status:)``.
    public init(to target: String, status: HTTPResponse.Status = .movedPermanently) {
        self.init(.fixed(target), status: status)
    }

    /// Checks the target and status, then returns the handler answering with this redirect or passing
    /// requests that need none to `next`.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError`` naming the target or status that cannot work (each,
    ///   when both are wrong).
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        var check = ConfigurationCheck()
        if case .fixed(let target) = destination {
            check.require(
                !target.isEmpty && HTTPField.isValidValue(target), "target",
                "\"\(target)\" cannot be sent as a Location header")
        }
        check.require(
            Self.redirectStatuses.contains(status.code), "status",
            "\(status.code) is not a redirect status; use 301, 302, 303, 307 or 308")
        try check.result()
        return RedirectingHandler(redirect: self, next: next)
    }

    /// 301, 302, 303, 307 and 308: the statuses that send a client on to `Location`.
    static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    struct RedirectingHandler: Handler {
        let redirect: Redirect
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            let isHTTPS = ForwardedScheme.isHTTPS(request, context: context)
            switch redirect.outcome(for: request.head, isHTTPS: isHTTPS) {
            case .passThrough:
                return try await next.handle(request, context: context)
            case .redirect(let location):
                return Redirect.response(to: location, status: redirect.status, method: request.method)
            case .badRequest:
                return .error(.badRequest)
            }
        }
    }
}
