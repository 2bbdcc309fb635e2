import HTTPTypes

/// A terminal handler made from a closure: it answers every request itself and never calls the next
/// handler, so it is usually the last thing `use`d in a chain or block.
///
/// ```swift
/// server.use(Endpoint { request, context in
///     .text("hello from \(request.path ?? "/")\n")
/// })
/// ```
public struct Endpoint: Handler, Middleware {
    /// The closure that answers requests.
    public typealias Body = @Sendable (Request, RequestContext) async throws -> Response

    let body: Body

    /// Creates an endpoint answering with `body`.
    public init(_ body: @escaping Body) {
        self.body = body
    }

    public func handle(_ request: Request, context: RequestContext) async throws -> Response {
        try await body(request, context)
    }

    /// Ignores `next`: an endpoint ends the chain.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        self
    }

    /// Answers every request with `404 Not Found`; the default end of a server's chain.
    public static let notFound = Endpoint { _, _ in .error(.notFound) }
}
