public import ParapetCore

/// A block for the requests whose path matches: exactly, by prefix, or by a regular expression.
///
/// A matching request runs through the middlewares `use`d into the location, which end in
/// `404 Not Found` — it never falls through to the rest of the outer chain. Any other request skips
/// the location. Locations are tried in the order they are `use`d, so mount the most specific first
/// (``Router`` picks the longest match whatever the order).
///
/// ```swift
/// let health = Location(exact: "/healthz")
/// health.use(Endpoint { _, _ in .text("OK") })
/// server.use(health)
///
/// let assets = Location(matching: #"\.(js|css|svg|png|jpe?g|gif)$"#)
/// assets.use(Around { request, context, next in
///     var response = try await next.handle(request, context: context)
///     response.headerFields[.cacheControl] = "public, max-age=31536000"
///     return response
/// })
/// assets.use(backend)
/// site.use(assets)
/// ```
///
/// The path is compared without its query in the normal form of ``ParapetCore/RequestPathRules`` —
/// repeated slashes merged, `.` and `..` segments resolved, only unreserved characters decoded — the
/// form the server hands every middleware and `Upstream` forwards: `/blog/%2E%2E/admin` and `//admin`
/// match `Location(prefix: "/admin")`, so a spelling of the path cannot slip past a location that guards
/// it. An encoded slash is refused (`400`) by default, or stays data inside its segment when the server
/// allows it: `/admin%2Fx` is then the one segment `admin%2Fx`, not under `/admin`. A regular expression
/// sees the same form, so it matches a non-ASCII or reserved character by its escape (`%C3%A9`).
/// (Before this version, paths were compared fully decoded, `%2F` included, but forwarded as sent.)
public final class Location: Block, CustomStringConvertible {
    /// How the location was asked to match, checked and compiled when it is built.
    private enum Spec {
        case exact(String)
        case prefix(String)
        case matching(String)
    }

    private let spec: Spec
    private let chain = Middlewares()

    /// Creates a location for the requests whose path is exactly `path`.
    ///
    /// ```swift
    /// let health = Location(exact: "/healthz")   // not /healthz/ or /healthz/x
    /// ```
    ///
    /// The build reports a ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` when `path` does
    /// not start with `/` or is not in the form requests are compared in (no query, `//`, `.` or `..`
    /// segment, or escape of an unreserved character such as `%7E`).
    public init(exact path: String) {
        spec = .exact(path)
    }

    /// Creates a location for the requests whose path starts with `prefix` at a segment boundary:
    /// `/blog` matches `/blog` and `/blog/post` but not `/blogger`; `/blog/` matches `/blog/` and
    /// `/blog/post` but not `/blog`. The prefix `/` matches every path. Checked as ``init(exact:)``.
    public init(prefix: String) {
        spec = .prefix(prefix)
    }

    /// Creates a location for the requests whose path contains a match of the regular expression
    /// `pattern` (unanchored: use `^` and `$` to anchor it), compiled when the chain is built, which
    /// reports a ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` quoting `pattern` when it
    /// is not a valid regular expression.
    public init(matching pattern: String) {
        spec = .matching(pattern)
    }

    /// `Location(prefix: "/api")`, as a build names the location in a problem.
    public var description: String {
        switch spec {
        case .exact(let path): "Location(exact: \"\(path)\")"
        case .prefix(let prefix): "Location(prefix: \"\(prefix)\")"
        case .matching(let pattern): "Location(matching: \"\(pattern)\")"
        }
    }

    /// Appends `middleware` to the chain serving this location's requests.
    ///
    /// A `use` after the location was built makes its next build throw
    /// ``ParapetCore/ChainError/usedAfterBuild``.
    public func use(_ middleware: any Middleware) {
        chain.use(middleware)
    }

    /// Builds the location's chain, ending in `404 Not Found`, in front of `next`.
    ///
    /// - Throws: a path or pattern that cannot match and every problem of the inner chain, together (see
    ///   ``ParapetCore/ChainBuildProblems/error``).
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        var problems = ChainBuildProblems()
        let rule = problems.attempt { () throws(ConfigurationError) in try makeRule() }
        let inner = problems.attempt { try chain.wrap(Endpoint.notFound, in: environment) }
        guard let rule, let inner else { throw problems.error }
        let rules = environment.pathRules
        return MatchedBlockHandler(
            matches: { (request: Request, _: RequestContext) throws(RequestPathRejection) -> Bool in
                try RequestPath.normalized(request.path, rules: rules).map(rule.matches) ?? false
            },
            inner: inner,
            next: next
        )
    }

    private func makeRule() throws(ConfigurationError) -> PathRule {
        switch spec {
        case .exact(let path):
            return .exact(try PathRule.validated(path))
        case .prefix(let prefix):
            return .prefix(try PathRule.validated(prefix))
        case .matching(let pattern):
            do {
                return .expression(try TextRegex(pattern))
            } catch {
                throw .invalidValue(
                    field: "location pattern", reason: "\"\(pattern)\" is not a regular expression: \(error)")
            }
        }
    }
}
