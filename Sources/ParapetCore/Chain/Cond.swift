/// A per-request predicate, e.g. to choose a branch of a ``Cond``.
public typealias RequestPredicate = @Sendable (Request, RequestContext) -> Bool

/// A per-request branch: requests matching `if` run through `then`, the others through `else` (or
/// straight on to the next handler when there is no `else`).
///
/// Both branches end in the handler that follows the `Cond` in the chain.
///
/// ```swift
/// server.use(Cond(
///     if: { request, _ in request.headerFields[.upgrade] != nil },
///     then: websocketLimits,
///     else: httpLimits
/// ))
/// ```
public struct Cond: Middleware {
    let predicate: RequestPredicate
    let thenMiddleware: any Middleware
    let elseMiddleware: (any Middleware)?

    /// Creates a branch on `predicate`.
    public init(if predicate: @escaping RequestPredicate, then: any Middleware, else: (any Middleware)? = nil) {
        self.predicate = predicate
        self.thenMiddleware = then
        self.elseMiddleware = `else`
    }

    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        BranchHandler(
            predicate: predicate,
            whenTrue: try thenMiddleware.wrap(next, in: environment),
            whenFalse: try elseMiddleware?.wrap(next, in: environment) ?? next
        )
    }

    struct BranchHandler: Handler {
        let predicate: RequestPredicate
        let whenTrue: any Handler
        let whenFalse: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            if predicate(request, context) {
                return try await whenTrue.handle(request, context: context)
            }
            return try await whenFalse.handle(request, context: context)
        }
    }
}
