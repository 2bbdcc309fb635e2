import HTTPTypes
import ParapetCache
import ParapetCore

/// In front of a stack's cache: records what the cache did for each answer, as its `Cache-Status` says —
/// and, when the scenario purges, whether the answer came from the origin before a purge the request came
/// after (see ``PurgeStamp``).
struct CacheAnswerWatcher: Handler {
    static let cacheStatus = HTTPField.Name("Cache-Status")!

    let next: any Handler
    let recorder: RunRecorder
    /// Whether answers are checked against the scenario's purges.
    let checksPurges: Bool

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        // Read before the cache looks anything up: a purge applied later is one the lookup may not have seen.
        let askedAfter = checksPurges ? recorder.purgesApplied : 0
        let response = try await next.handle(request, context: context)
        if let field = response.headerFields[values: Self.cacheStatus].last {
            recorder.cacheAnswer(CacheAnswer(cacheStatus: field))
        }
        if checksPurges, let filledAfter = response.headerFields[PurgeStamp.name].flatMap(Int.init) {
            let tags = response.headerFields[values: .cacheTag].flatMap { $0.split(separator: ",") }
                .map { String($0.trimmingWhitespace) }
            recorder.answered(
                host: request.authority ?? "", pathAndQuery: request.path ?? "", tags: tags, filledAfter: filledAfter,
                askedAfter: askedAfter)
        }
        return response
    }
}

/// Behind a stack's cache: counts the requests it sends on towards the origin, background revalidations
/// included, which no client answer shows — and, when the scenario purges, stamps each origin answer
/// with the purges applied by the time it arrived (``PurgeStamp``), which the cache stores with it.
struct OriginRequestCounter: Handler {
    let next: any Handler
    let recorder: RunRecorder
    /// Whether origin answers are stamped.
    let stampsPurges: Bool

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        recorder.originRequest()
        var response = try await next.handle(request, context: context)
        if stampsPurges { response.headerFields[PurgeStamp.name] = String(recorder.purgesApplied) }
        return response
    }
}

/// The field a purging stack's origin answers carry: how many purges had been applied when the answer
/// arrived from the origin. The cache stores and serves it like any other field, so that an answer tells
/// which purges came after its content — exactly, in the order purges took effect, with no rounding of
/// `Age` to whole seconds. (It counts towards the stored bytes: a few dozen per response.)
enum PurgeStamp {
    static let name = HTTPField.Name("Parapet-Simulation-Purges")!
}
