import HTTPTypes
import Logging
import NIOCore
import ParapetCore

/// The handler a ``Cache`` wraps around the rest of the chain.
struct CachingHandler: Handler {
    let next: any Handler
    let store: any CacheStore
    let options: Cache.Options
    let runtime: Runtime
    let revalidations: KeysInFlight
    let flights: Flights

    /// Answers `request`, then says what the cache did: in `Cache-Status`, to
    /// ``Cache/Options/onResult``, and on the access-log record (`cacheStatus`, `cacheDetail`). A request
    /// whose handling throws is not reported.
    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        let answer = try await answer(request, context: context)
        let member = answer.status.member(name: options.name)
        if options.onResult != nil || context.accessLog != nil {
            let result = CacheResult(answer)
            options.onResult?(request, result)
            if let record = context.accessLog {
                record.set("cacheStatus", .string(result.outcome.rawValue))
                record.set("cacheDetail", .string(member))
            }
        }
        return stamped(answer, member: member)
    }

    private func answer(_ request: Request, context: RequestContext) async throws -> CacheAnswer {
        guard request.method == .get || request.method == .head else {
            return try await forward(request, context: context, because: .method)
        }
        guard request.headerFields[.upgrade] == nil, options.cacheable?(request) ?? true,
            let key = CacheKey.of(request)
        else {
            return try await forward(request, context: context, because: .bypass)
        }
        let requestControl = CacheControl(request.headerFields)
        let lookup = await storedLookup(for: key, selectedBy: request.headerFields)
        guard case .found(let entry) = lookup else {
            if requestControl.contains("only-if-cached") { return notCached() }
            let reason: CacheStatus.Forward = if case .otherVariants = lookup { .varyMiss } else { .uriMiss }
            return try await fetch(
                Exchange(request: request, requestControl: requestControl, key: key, context: context),
                because: reason)
        }
        let now = runtime.clock.now
        let windows = StaleWindows(entry.control, options: options, requestControl: requestControl)
        let exchange = Exchange(request: request, requestControl: requestControl, key: key, context: context)
        switch Reuse(of: entry, windows: windows, requestControl: requestControl, at: now) {
        case .fresh, .stale:
            let ttl = entry.remainingFreshness(at: now).wholeSeconds
            return serve(entry, to: request, validated: false, status: CacheStatus(hit: true, ttl: ttl))
        case .staleWhileRevalidate:
            revalidateInBackground(entry, exchange)
            let ttl = entry.remainingFreshness(at: now).wholeSeconds
            let status = CacheStatus(hit: true, ttl: ttl, detail: "stale-while-revalidate")
            return serve(entry, to: request, validated: false, status: status)
        case .validate(let cause):
            if requestControl.contains("only-if-cached") { return notCached() }
            // Stale is served for a failed revalidation only when the client did not ask for a fresh answer.
            let fallback = cause == .stale ? windows : nil
            return try await validate(entry, exchange, because: cause == .request ? .request : .stale, fallback: fallback)
        }
    }

    /// One client request on its way through the cache.
    struct Exchange {
        var request: Request
        /// The request's `Cache-Control`, parsed once for every decision on its way.
        var requestControl: CacheControl
        var key: String
        var context: RequestContext
    }

    /// Forwards a request the cache does not serve; a successful unsafe one invalidates what it changed.
    private func forward(
        _ request: Request, context: RequestContext, because reason: CacheStatus.Forward
    ) async throws -> CacheAnswer {
        let response = try await next.handle(request, context: context)
        if !Self.safeMethods.contains(request.method), (200..<400).contains(response.status.code) {
            await invalidate(after: request, answeredWith: response)
        }
        return CacheAnswer(response, CacheStatus(forward: reason, forwardStatus: response.status.code))
    }

    private static let safeMethods: Set<HTTPRequest.Method> = [.get, .head, .options, .trace]

    /// RFC 9111 §4.4: the target URL, and a same-origin `Location` or `Content-Location`.
    private func invalidate(after request: Request, answeredWith response: Response) async {
        var keys = [CacheKey.of(request)]
        for name in [HTTPField.Name.location, .contentLocation] {
            keys += response.headerFields[values: name].map { CacheKey.of(reference: $0, answering: request) }
        }
        for key in keys.compactMap(\.self) {
            flights.invalidate(key)
            try? await store.removeAll(for: key)
        }
    }
}
