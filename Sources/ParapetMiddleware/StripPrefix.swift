import HTTPTypes
public import ParapetCore

/// Removes a literal prefix from the request path before the next handler sees it; a request whose path
/// does not start with the prefix is answered `404 Not Found`.
///
/// The prefix is matched literally on the path as sent (percent-encoding untouched), as Go's
/// `http.StripPrefix` does, and the query survives. What remains always starts with `/`: `/api` strips
/// `/api` to `/` and `/apiary` to `/ary`, so the next handler gets an origin-form target. (To match only
/// whole segments, mount it inside a ``Location`` prefix.)
///
/// ```swift
/// let api = Middlewares()
/// try api.use(StripPrefix("/api"))          // "/api/users?page=2" → "/users?page=2"
/// try api.use(Upstream(SingleHost("users.internal:8080", transport: http)))
/// ```
public struct StripPrefix: Middleware {
    /// The prefix removed from every request path.
    public let prefix: String

    /// Creates a middleware removing `prefix` (e.g. `/api`).
    public init(_ prefix: String) {
        self.prefix = prefix
    }

    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        StrippingHandler(prefix: prefix, next: next)
    }

    struct StrippingHandler: Handler {
        let prefix: String
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            guard let path = request.path, let stripped = StripPrefix.strip(prefix, from: path) else {
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
        guard path.hasPrefix(prefix) else { return nil }
        let rest = path.dropFirst(prefix.count)
        return rest.first == "/" ? String(rest) : "/" + rest
    }
}
