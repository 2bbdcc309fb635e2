public import ParapetCore

/// A block for the requests whose path matches: exactly, by prefix, or by a regular expression.
///
/// A matching request runs through the middlewares `use`d into the location, which end in
/// `404 Not Found` — it never falls through to the rest of the outer chain. Any other request skips
/// the location. Locations are tried in the order they are `use`d, so mount the most specific first
/// (``Router`` picks the longest match whatever the order).
///
/// ```swift
/// let health = try Location(exact: "/healthz")
/// health.use(Endpoint { _, _ in .text("OK") })
/// server.use(health)
///
/// let assets = try Location(matching: #"\.(js|css|svg|png|jpe?g|gif)$"#)
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
public final class Location: Block {
    let rule: PathRule
    private let chain = Middlewares()

    /// Creates a location for the requests whose path is exactly `path`.
    ///
    /// ```swift
    /// let health = try Location(exact: "/healthz")   // not /healthz/ or /healthz/x
    /// ```
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` when `path` does not start
    ///   with `/` or is not in the form requests are compared in (no query, `//`, `.` or `..` segment, or
    ///   escape of an unreserved character such as `%7E`).
    public init(exact path: String) throws(ConfigurationError) {
        rule = .exact(try PathRule.validated(path))
    }

    /// Creates a location for the requests whose path starts with `prefix` at a segment boundary:
    /// `/blog` matches `/blog` and `/blog/post` but not `/blogger`; `/blog/` matches `/blog/` and
    /// `/blog/post` but not `/blog`. The prefix `/` matches every path.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` as ``init(exact:)``.
    public init(prefix: String) throws(ConfigurationError) {
        rule = .prefix(try PathRule.validated(prefix))
    }

    /// Creates a location for the requests whose path contains a match of the regular expression
    /// `pattern` (unanchored: use `^` and `$` to anchor it), compiled now.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` quoting `pattern` when it
    ///   is not a valid regular expression.
    public init(matching pattern: String) throws(ConfigurationError) {
        do {
            rule = .expression(try TextRegex(pattern))
        } catch {
            throw .invalidValue(
                field: "location pattern", reason: "\"\(pattern)\" is not a regular expression: \(error)")
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
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        let rule = rule
        let rules = environment.pathRules
        return MatchedBlockHandler(
            matches: { (request: Request, _: RequestContext) throws(RequestPathRejection) -> Bool in
                try RequestPath.normalized(request.path, rules: rules).map(rule.matches) ?? false
            },
            inner: try chain.wrap(Endpoint.notFound, in: environment),
            next: next
        )
    }
}
