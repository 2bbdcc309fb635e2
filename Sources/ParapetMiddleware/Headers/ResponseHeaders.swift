public import HTTPTypes
public import ParapetCore

/// Rewrites the response head the next handler returns — when the head is committed, since nothing is
/// sent before a handler returns its response: a list of ``HeaderEdit``s, or a closure given the head
/// (status and fields) to change in place.
///
/// Because the edits apply to the response as returned — an upstream's fields included — a field this
/// middleware sets replaces the upstream's lines rather than adding to them: it appears once.
///
/// ```swift
/// server.use(ResponseHeaders(.delete("Server"), .delete("X-Powered-By"), .set("X-Frame-Options", "DENY")))
/// server.use(ResponseHeaders { head in
///     if head.status == .notFound { head.status = .gone }
///     head.headerFields[.cacheControl] = "no-store"
/// })
/// ```
public struct ResponseHeaders: Middleware {
    /// A rewrite of a response head, in place: its status and its header fields.
    public typealias Intercept = @Sendable (inout HTTPResponse) -> Void

    private enum Rewrite: Sendable {
        case edits([HeaderEdit])
        case intercept(Intercept)
    }

    private let rewrite: Rewrite

    /// Applies `edits`, in order, to every response.
    public init(_ edits: HeaderEdit...) {
        self.init(edits)
    }

    /// Applies `edits`, in order, to every response.
    public init(_ edits: [HeaderEdit]) {
        rewrite = .edits(edits)
    }

    /// Runs `intercept` on every response head.
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
            return RewritingHandler(next: next) { resolved.apply(to: &$0.headerFields) }
        case .intercept(let intercept):
            return RewritingHandler(next: next, intercept: intercept)
        }
    }

    struct RewritingHandler: Handler {
        let next: any Handler
        let intercept: Intercept

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            var response = try await next.handle(request, context: context)
            intercept(&response.head)
            return response
        }
    }
}
