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

    /// Builds both branches, reporting the problems of both.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        var problems = ChainBuildProblems()
        // Through a chain of one, so that a problem's path names the branch's middleware.
        let whenTrue = problems.attempt(inside: "then") { try Middlewares([thenMiddleware]).wrap(next, in: environment) }
        let whenFalse = problems.attempt(inside: "else") {
            try elseMiddleware.map { try Middlewares([$0]).wrap(next, in: environment) } ?? next
        }
        guard let whenTrue, let whenFalse else { throw problems.error }
        return BranchHandler(predicate: predicate, whenTrue: whenTrue, whenFalse: whenFalse)
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
