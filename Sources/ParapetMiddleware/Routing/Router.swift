import HTTPTypes
public import ParapetCore
import Synchronization

/// Routes requests by path pattern to middlewares, with the longest-match rules of Go's `ServeMux`.
///
/// * A pattern ending in `/` routes a subtree: `/static/` takes `/static/` and everything below it.
/// * Any other pattern routes that exact path **and** its subtree: `/api` takes `/api`, `/api/` and
///   `/api/users`, but not `/apis`. A subtree routed explicitly (`/api/`) wins over the implied one.
/// * The longest matching pattern wins, whatever order the routes were added in; `/` routes every path
///   no longer pattern takes. Without a `/` route, unrouted requests go on to the router's next handler.
/// * Paths are compared without the query in the normal form of ``ParapetCore/RequestPathRules`` (only
///   unreserved characters decoded, `//` merged, dot segments resolved; `%2F` refused or kept as data),
///   the form the server hands the router and `Upstream` forwards. `/static` is redirected
///   (`308 Permanent Redirect`, query kept) to `/static/` when only the subtree is routed. In a chain run
///   without a server, a path not in normal form is redirected to it when that form has a route. (Before
///   this version a server redirected `//a` and `/b/../a` to `/a`; it now serves them as `/a`.)
///
/// A route's middleware wraps the router's next handler, as in Go's Parapet: a route that passes the
/// request on reaches the rest of the outer chain, so a route that must not fall through ends in an
/// endpoint or an upstream.
///
/// ```swift
/// let router = Router()
/// router.route("/api", to: Upstream(SingleHost("api.internal:8080", transport: http)))
/// router.route("/static/", to: StripPrefix("/static"))
/// server.use(router)
/// server.use(Upstream(SingleHost("web.internal:8080", transport: http)))   // everything else
/// ```
public final class Router: Middleware {
    private struct State {
        var routes: [(pattern: String, middleware: any Middleware)] = []
        var isBuilt = false
        /// A route was added after a build: reported by every later build.
        var wasRoutedLate = false
    }

    private let state = Mutex(State())

    /// An empty router: every request goes on to the next handler until routes are added.
    public init() {}

    /// Routes the requests `pattern` takes (see ``Router``) to `middleware`.
    ///
    /// The build reports a ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for a pattern
    /// that does not start with `/`, is not in normal form (no query, `//`, `.` or `..`, or escaped
    /// unreserved character) or is routed twice; a route added after the router was built makes its next
    /// build throw ``ParapetCore/ChainError/usedAfterBuild``.
    public func route(_ pattern: String, to middleware: any Middleware) {
        state.withLock { state in
            if state.isBuilt {
                state.wasRoutedLate = true
            } else {
                state.routes.append((pattern, middleware))
            }
        }
    }

    /// Builds every route's middleware around `next` and freezes the router.
    ///
    /// - Throws: ``ParapetCore/ChainError/usedAfterBuild`` when a route was added after an earlier build;
    ///   otherwise a ``ParapetCore/ChainBuildError`` naming every bad or repeated pattern and every problem
    ///   of the routes' middlewares.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        let (routes, wasRoutedLate) = state.withLock { state in
            state.isBuilt = true
            return (state.routes, state.wasRoutedLate)
        }
        if wasRoutedLate { throw ChainError.usedAfterBuild }
        var problems = ChainBuildProblems()
        var seen: Set<String> = []
        var patterns: [String] = []
        var handlers: [any Handler] = []
        for route in routes {
            let pattern = problems.attempt(inside: "route \"\(route.pattern)\"") { () throws(ConfigurationError) in
                guard let configured = RequestPath.configured(route.pattern) else {
                    throw .invalidValue(
                        field: "route pattern", reason: "\"\(route.pattern)\" is not a path such as /api or /static/")
                }
                guard seen.insert(String(configured)).inserted else {
                    throw .invalidValue(field: "route pattern", reason: "\"\(configured)\" is routed twice")
                }
                return String(configured)
            }
            // Through a chain of one, so that a problem's path names the route's middleware.
            let handler = problems.attempt(inside: "route \"\(route.pattern)\"") {
                try Middlewares([route.middleware]).wrap(next, in: environment)
            }
            if let pattern, let handler {
                patterns.append(pattern)
                handlers.append(handler)
            }
        }
        try problems.result()
        return RoutingHandler(table: RouteTable(patterns: patterns), rules: environment.pathRules, routes: handlers, next: next)
    }

    struct RoutingHandler: Handler {
        let table: RouteTable
        let rules: RequestPathRules
        let routes: [any Handler]
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            switch table.decide(request.path, rules: rules) {
            case .route(let index):
                return try await routes[index].handle(request, context: context)
            case .redirect(let target):
                return Response(status: .permanentRedirect, headerFields: [.location: target])
            case .unmatched:
                return try await next.handle(request, context: context)
            case .refuse(let rejection):
                return .badPath(rejection)
            }
        }
    }
}
