import HTTPTypes
import ParapetCore

/// In front of a stack's cache: records what the cache did for each answer, as its `Cache-Status` says.
struct CacheAnswerWatcher: Handler {
    static let cacheStatus = HTTPField.Name("Cache-Status")!

    let next: any Handler
    let recorder: RunRecorder

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        let response = try await next.handle(request, context: context)
        if let field = response.headerFields[values: Self.cacheStatus].last {
            recorder.cacheAnswer(CacheAnswer(cacheStatus: field))
        }
        return response
    }
}

/// Behind a stack's cache: counts the requests it sends on towards the origin, background revalidations
/// included, which no client answer shows.
struct OriginRequestCounter: Handler {
    let next: any Handler
    let recorder: RunRecorder

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        recorder.originRequest()
        return try await next.handle(request, context: context)
    }
}
