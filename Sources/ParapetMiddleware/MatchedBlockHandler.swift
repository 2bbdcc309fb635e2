import ParapetCore

/// The handler of a block that serves matching requests itself: a matching request runs through the
/// block's own chain (which ends in `404 Not Found`), any other request through the next handler.
struct MatchedBlockHandler: Handler {
    let matches: RequestPredicate
    let inner: any Handler
    let next: any Handler

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        if matches(request, context) {
            return try await inner.handle(request, context: context)
        }
        return try await next.handle(request, context: context)
    }
}
