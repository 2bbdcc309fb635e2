import ParapetCore

/// The handler of a block that serves matching requests itself: a matching request runs through the
/// block's own chain (which ends in `404 Not Found`), any other request through the next handler; a
/// request whose path the block cannot compare is answered `400 Bad Request`.
struct MatchedBlockHandler: Handler {
    let matches: @Sendable (Request, RequestContext) throws(RequestPathRejection) -> Bool
    let inner: any Handler
    let next: any Handler

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        let isMatch: Bool
        do throws(RequestPathRejection) {
            isMatch = try matches(request, context)
        } catch {
            return .badPath(error)
        }
        return try await (isMatch ? inner : next).handle(request, context: context)
    }
}
