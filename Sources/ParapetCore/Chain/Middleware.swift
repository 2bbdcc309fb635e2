/// A feature that wraps a handler into a handler: it can change the request on the way in, the
/// response on the way out, answer by itself, or pass through.
///
/// Every Parapet feature is a middleware. Chains are built once, when the server starts; `wrap` is the
/// place to validate configuration (throw an error naming the bad field) and to start background work.
///
/// ```swift
/// struct ServerHeader: Middleware {
///     func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
///         Around.BoundHandler(next: next) { request, context, next in
///             var response = try await next.handle(request, context: context)
///             response.headerFields[.server] = "parapet"
///             return response
///         }
///     }
/// }
/// ```
public protocol Middleware: Sendable {
    /// Returns the handler that runs this middleware around `next`.
    func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler
}

/// A middleware that other middlewares can be `use`d into, such as a virtual host or a location.
///
/// ```swift
/// let api = Middlewares()
/// api.use(Around { request, context, next in try await next.handle(request, context: context) })
/// server.use(api)
/// ```
public protocol Block: Middleware {
    /// Appends `middleware` inside everything used before it.
    ///
    /// A `use` after the block was built into a running chain cannot take effect: the next build of the
    /// block throws ``ChainError/usedAfterBuild``.
    func use(_ middleware: any Middleware)
}

/// Misuse of a middleware chain.
public enum ChainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `use` was called on a chain that a server had already built; the middleware never ran.
    case usedAfterBuild

    public var description: String {
        switch self {
        case .usedAfterBuild:
            return "cannot use a middleware after the chain has been built: add every middleware before serving"
        }
    }
}
