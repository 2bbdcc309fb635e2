import HTTPTypes
public import ParapetCore

/// Removes a literal prefix from the request path before the next handler sees it; a request whose path
/// does not start with the prefix is answered `404 Not Found`.
///
/// The prefix is removed from the path in the normal form of ``ParapetCore/RequestPathRules`` — the form
/// a ``Location`` or ``Router`` matched and `Upstream` forwards — so `/x/../api/users` is stripped to
/// `/users` like `/api/users`; the query survives. The prefix is written as a path (its escapes normalized
/// the same way) and matched as a string, as Go's `http.StripPrefix` does. What remains always starts
/// with `/`: `/api` strips `/api` to `/` and `/apiary` to `/ary`, so the next handler gets an origin-form
/// target. (To match only whole segments, mount it inside a ``Location`` prefix.)
///
/// ```swift
/// let api = Middlewares()
/// api.use(StripPrefix("/api"))          // "/api/users?page=2" → "/users?page=2"
/// api.use(Upstream(SingleHost("users.internal:8080", transport: http)))
/// ```
public struct StripPrefix: Middleware {
    /// The prefix removed from every request path.
    public let prefix: String

    /// Creates a middleware removing `prefix` (e.g. `/api`).
    public init(_ prefix: String) {
        self.prefix = prefix
    }

    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        let prefix = RequestPath.configured(prefix).map(String.init) ?? prefix
        return StrippingHandler(prefix: prefix, rules: environment.pathRules, next: next)
    }

    struct StrippingHandler: Handler {
        let prefix: String
        let rules: RequestPathRules
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            let normal: String
            do throws(RequestPathRejection) {
                normal = try rules.normalizedTarget(request.path ?? "")
            } catch {
                return .badPath(error)
            }
            guard let stripped = StripPrefix.strip(prefix, from: normal) else {
                return .error(.notFound)
            }
            var request = request
            request.path = stripped
            return try await next.handle(request, context: context)
        }
    }

    /// `path` without `prefix`, or `nil` when it does not start with it; the query is kept and the result
    /// always starts with `/`.
    static func strip(_ prefix: String, from path: String) -> String? {
        guard path.utf8.starts(with: prefix.utf8) else { return nil }
        let rest = path[path.utf8.index(path.startIndex, offsetBy: prefix.utf8.count)...]
        return rest.first == "/" ? String(rest) : "/" + rest
    }
}
