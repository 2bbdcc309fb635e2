/// A middleware made from a closure that runs around the next handler.
///
/// ```swift
/// server.use(Around { request, context, next in
///     var response = try await next.handle(request, context: context)
///     response.headerFields[.server] = "parapet"
///     return response
/// })
/// ```
public struct Around: Middleware {
    /// The closure run for each request, given the handler it wraps.
    public typealias Body = @Sendable (Request, RequestContext, any Handler) async throws -> Response

    let body: Body

    /// Creates a middleware running `body` around the next handler.
    public init(_ body: @escaping Body) {
        self.body = body
    }

    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        BoundHandler(next: next, body: body)
    }

    /// The handler an ``Around`` builds: `body` bound to its `next`.
    public struct BoundHandler: Handler {
        let next: any Handler
        let body: Body

        /// Binds `body` to `next`.
        public init(next: any Handler, body: @escaping Body) {
            self.next = next
            self.body = body
        }

        public func handle(_ request: Request, context: RequestContext) async throws -> Response {
            try await body(request, context, next)
        }
    }
}
