public import ParapetCore

/// A block for the requests matching a predicate: they run through the middlewares `use`d into it,
/// which end in `404 Not Found`, and never fall through to the rest of the outer chain; any other
/// request skips the block.
///
/// ``Host`` and ``Location`` are blocks of this kind for a request's host and path. Unlike a
/// ``ParapetCore/Cond``, whose branches continue into the rest of the chain, a matched block owns the
/// request.
///
/// Behind a server, the predicate sees the request's path in the normal form of
/// ``ParapetCore/RequestPathRules`` (`//a/%2e%2e/admin` arrives as `/admin`), the form a ``Location``
/// matches and `Upstream` forwards, so a predicate on `request.path` guards what is forwarded.
///
/// ```swift
/// let api = MatchBlock { request, _ in request.headerFields[.accept] == "application/json" }
/// api.use(Upstream(SingleHost("api.internal:8080", transport: http)))
/// server.use(api)
/// ```
public final class MatchBlock: Block {
    let predicate: RequestPredicate
    private let chain = Middlewares()

    /// Creates a block serving the requests for which `predicate` is true.
    public init(where predicate: @escaping RequestPredicate) {
        self.predicate = predicate
    }

    /// Appends `middleware` to the chain serving the matching requests.
    ///
    /// A `use` after the block was built makes its next build throw
    /// ``ParapetCore/ChainError/usedAfterBuild``.
    public func use(_ middleware: any Middleware) {
        chain.use(middleware)
    }

    /// Builds the block's chain, ending in `404 Not Found`, in front of `next`.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        MatchedBlockHandler(matches: predicate, inner: try chain.wrap(Endpoint.notFound, in: environment), next: next)
    }
}
