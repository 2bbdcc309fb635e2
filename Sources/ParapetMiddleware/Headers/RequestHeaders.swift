public import HTTPTypes
public import ParapetCore

/// Rewrites the request's header fields before the next handler sees them: a list of ``HeaderEdit``s, or
/// a closure given the fields to change in place.
///
/// ```swift
/// server.use(RequestHeaders(.delete("X-Debug"), .set("X-Env", "production")))
/// server.use(RequestHeaders { fields in
///     fields[.authorization] = nil
/// })
/// ```
public struct RequestHeaders: Middleware {
    /// A rewrite of request header fields, in place.
    public typealias Intercept = @Sendable (inout HTTPFields) -> Void

    private enum Rewrite: Sendable {
        case edits([HeaderEdit])
        case intercept(Intercept)
    }

    private let rewrite: Rewrite

    /// Applies `edits`, in order, to every request.
    public init(_ edits: HeaderEdit...) {
        self.init(edits)
    }

    /// Applies `edits`, in order, to every request.
    public init(_ edits: [HeaderEdit]) {
        rewrite = .edits(edits)
    }

    /// Runs `intercept` on every request's header fields.
    public init(_ intercept: @escaping Intercept) {
        rewrite = .intercept(intercept)
    }

    /// Checks the edits' field names and returns the rewriting handler.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for an invalid field name.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        switch rewrite {
        case .edits(let edits):
            let resolved = try edits.resolved()
            return RewritingHandler(next: next) { resolved.apply(to: &$0) }
        case .intercept(let intercept):
            return RewritingHandler(next: next, intercept: intercept)
        }
    }

    struct RewritingHandler: Handler {
        let next: any Handler
        let intercept: Intercept

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            var request = request
            intercept(&request.head.headerFields)
            return try await next.handle(request, context: context)
        }
    }
}
