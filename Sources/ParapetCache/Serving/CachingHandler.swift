import HTTPTypes
import NIOCore
import ParapetCore

/// The handler a ``Cache`` wraps around the rest of the chain.
struct CachingHandler: Handler {
    let next: any Handler
    let store: any CacheStore
    let options: Cache.Options
    let runtime: Runtime
    let revalidations: KeysInFlight

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            return try await forward(request, context: context, because: .method)
        }
        guard request.headerFields[.upgrade] == nil, options.cacheable?(request) ?? true,
            let key = CacheKey.of(request)
        else {
            return try await forward(request, context: context, because: .bypass)
        }
        let requestControl = CacheControl(request.headerFields)
        // A store that fails is a miss: the origin can still answer.
        let stored = (try? await store.responses(for: key)) ?? []
        guard let entry = stored.first(where: { $0.variant.matches(request.headerFields) }) else {
            if requestControl.contains("only-if-cached") { return notCached() }
            return try await fetch(
                Exchange(request: request, key: key, context: context), because: stored.isEmpty ? .uriMiss : .varyMiss)
        }
        let now = runtime.clock.now
        let windows = StaleWindows(entry.control, options: options)
        let exchange = Exchange(request: request, key: key, context: context)
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
    private struct Exchange {
        var request: Request
        var key: String
        var context: RequestContext
    }

    // MARK: - Asking the origin

    /// Forwards a request the cache does not serve; a successful unsafe one invalidates what it changed.
    private func forward(
        _ request: Request, context: RequestContext, because reason: CacheStatus.Forward
    ) async throws -> Response {
        let response = try await next.handle(request, context: context)
        if !Self.safeMethods.contains(request.method), (200..<400).contains(response.status.code) {
            await invalidate(after: request, answeredWith: response)
        }
        return stamped(response, CacheStatus(forward: reason, forwardStatus: response.status.code))
    }

    private static let safeMethods: Set<HTTPRequest.Method> = [.get, .head, .options, .trace]

    /// RFC 9111 §4.4: the target URL, and a same-origin `Location` or `Content-Location`.
    private func invalidate(after request: Request, answeredWith response: Response) async {
        var keys = [CacheKey.of(request)]
        for name in [HTTPField.Name.location, .contentLocation] {
            keys += response.headerFields[values: name].map { CacheKey.of(reference: $0, answering: request) }
        }
        for key in keys.compactMap(\.self) { try? await store.removeAll(for: key) }
    }

    /// A miss: the origin's answer is passed on, and kept when it may be.
    private func fetch(_ exchange: Exchange, because reason: CacheStatus.Forward) async throws -> Response {
        let sent = runtime.clock.now
        let response = try await next.handle(exchange.request, context: exchange.context)
        return await admit(response, sent: sent, for: exchange, status: CacheStatus(forward: reason))
    }

    /// A stored response that may not be served as it is: asked for again with its validators. A `304`
    /// refreshes it and it is served; a failure within one of the `fallback` windows serves it stale;
    /// anything else is handled as a miss.
    private func validate(
        _ entry: CachedResponse, _ exchange: Exchange, because reason: CacheStatus.Forward, fallback: StaleWindows?
    ) async throws -> Response {
        let sent = runtime.clock.now
        let response: Response
        do {
            response = try await next.handle(conditional(exchange.request, for: entry), context: exchange.context)
        } catch {
            guard !(error is CancellationError), !Task.isCancelled, let fallback,
                let stale = servedStale(entry, to: exchange.request, window: fallback.ifUnreachable, status: nil)
            else { throw error }
            return stale
        }
        if response.status == .notModified {
            let refreshed = refresh(entry, with: response, sent: sent)
            try? await store.store(refreshed, for: exchange.key)
            let ttl = refreshed.remainingFreshness(at: runtime.clock.now).wholeSeconds
            let status = CacheStatus(forward: reason, forwardStatus: 304, ttl: ttl)
            return serve(refreshed, to: exchange.request, validated: true, status: status)
        }
        if let fallback,
            let stale = servedStale(
                entry, to: exchange.request, window: fallback.window(forStatus: response.status.code),
                status: response.status.code)
        {
            return stale
        }
        let answer = await admit(response, sent: sent, for: exchange, status: CacheStatus(forward: reason))
        return await answeringConditional(answer, of: exchange.request)
    }

    /// The request the cache sends to validate `entry`: the client's own conditions replaced by the
    /// entry's validators.
    private func conditional(_ request: Request, for entry: CachedResponse) -> Request {
        var conditional = request
        for name in ConditionalRequest.fields { conditional.headerFields[name] = nil }
        if let tag = entry.headerFields[.eTag] { conditional.headerFields[.ifNoneMatch] = tag }
        if let modified = entry.headerFields[.lastModified] { conditional.headerFields[.ifModifiedSince] = modified }
        return conditional
    }

    /// `entry` served stale in place of a failed revalidation (answered `status`, or not at all), when it
    /// is no staler than `window`.
    private func servedStale(
        _ entry: CachedResponse, to request: Request, window: Duration, status: Int?
    ) -> Response? {
        let remaining = entry.remainingFreshness(at: runtime.clock.now)
        guard window > .zero, .zero - remaining <= window else { return nil }
        let detail = status.map { [502, 504].contains($0) ? "origin-unreachable" : "stale-if-error" } ?? "origin-unreachable"
        let cacheStatus = CacheStatus(
            forward: .stale, forwardStatus: status, ttl: remaining.wholeSeconds, detail: detail)
        return serve(entry, to: request, validated: false, status: cacheStatus)
    }

    /// Revalidates `entry` off the request path, at most once at a time per key: a `304` refreshes it, a
    /// new response replaces it when it may be stored, and a failure leaves it as it is.
    private func revalidateInBackground(_ entry: CachedResponse, _ exchange: Exchange) {
        guard revalidations.claim(exchange.key) else { return }
        var context = exchange.context
        context.values = RequestValues()
        context.interimResponses = nil
        context.upgradedInbound = nil
        context.deadline = runtime.clock.now.advanced(by: options.revalidateTimeout)
        var request = exchange.request
        request.method = .get
        request.body = .empty
        let background = Exchange(request: conditional(request, for: entry), key: exchange.key, context: context)
        runtime.spawner.spawn("cache-revalidation") { [self] in
            defer { revalidations.release(background.key) }
            let sent = runtime.clock.now
            guard let response = try? await next.handle(background.request, context: background.context) else {
                return
            }
            if response.status == .notModified {
                try? await store.store(refresh(entry, with: response, sent: sent), for: background.key)
            } else if !StaleWindows.isError(response.status.code) {
                // Reading the body to its end is what commits it.
                await drain(await admit(response, sent: sent, for: background, status: CacheStatus()).body)
            }
        }
    }

    // MARK: - Storing

    /// Passes on an origin response, storing it on the way when RFC 9111 allows.
    private func admit(
        _ response: Response, sent: MonotonicInstant, for exchange: Exchange, status: CacheStatus
    ) async -> Response {
        var status = status
        status.forwardStatus = response.status.code
        guard exchange.request.method == .get, let entry = storable(response, sent: sent, for: exchange.request) else {
            return stamped(response, status)
        }
        status.stored = true
        status.ttl = (entry.lifetime - entry.age.initial).wholeSeconds
        var response = response
        let key = exchange.key
        if response.body.isReplayable {
            if let body = try? await response.body.collect(upTo: options.maxObjectSize) {
                try? await store.store(entry.complete(with: body), for: key)
            }
        } else {
            let store = store
            let filling = FillingBody(
                base: response.body, limit: options.maxObjectSize,
                expectedLength: response.body.knownLength ?? entry.declaredLength
            ) { body in
                try? await store.store(entry.complete(with: body), for: key)
            }
            response.body = HTTPBody(stream: filling, length: response.body.knownLength, trailers: response.body.trailers)
        }
        return stamped(response, status)
    }

    /// The parts of a response to be stored once its body is complete; `nil` when it may not be stored
    /// or would never be of use (no freshness and nothing to revalidate with, or `Vary: *`).
    private func storable(_ response: Response, sent: MonotonicInstant, for request: Request) -> PendingEntry? {
        let fields = response.headerFields
        let control = CacheControl(response: fields, targets: options.targetedFields)
        guard
            StoragePolicy.mayStore(
                status: response.status, fields: fields, control: control, requestFields: request.headerFields,
                requestControl: CacheControl(request.headerFields))
        else { return nil }
        let declaredLength = fields[.contentLength].flatMap { Int($0) }
        if let length = response.body.knownLength ?? declaredLength, length > options.maxObjectSize { return nil }
        let wallTime = runtime.wallClock.now
        let age = ResponseAge(
            fields: fields, requestSent: sent, responseReceived: runtime.clock.now, receivedAtWallTime: wallTime)
        let stored = StoragePolicy.storedFields(fields, control: control, receivedAt: wallTime)
        let lifetime = FreshnessLifetime.of(
            status: response.status, fields: stored, control: control, receivedAt: wallTime,
            heuristicLimit: options.heuristicLimit)
        let variant = Variant(vary: fields, request: request.headerFields)
        let hasValidator = stored[.eTag] != nil || stored[.lastModified] != nil
        guard !variant.isWildcard, lifetime > age.initial || hasValidator else { return nil }
        return PendingEntry(
            status: response.status, fields: stored, control: control, age: age, lifetime: lifetime,
            variant: variant, declaredLength: declaredLength)
    }

    /// A stored response updated by the `304` that validated it (RFC 9111 §4.3.4): its fields replaced by
    /// the `304`'s, except `Content-Length` and the hop-by-hop ones; its age and freshness from now.
    private func refresh(_ entry: CachedResponse, with notModified: Response, sent: MonotonicInstant) -> CachedResponse {
        let wallTime = runtime.wallClock.now
        let update = StoragePolicy.storedFields(
            notModified.headerFields, control: CacheControl(notModified.headerFields), receivedAt: wallTime)
        var fields = entry.headerFields
        for name in Set(update.map(\.name)) where name != .contentLength {
            fields[values: name] = update[values: name]
        }
        let age = ResponseAge(
            fields: notModified.headerFields, requestSent: sent, responseReceived: runtime.clock.now,
            receivedAtWallTime: wallTime)
        let control = CacheControl(response: fields, targets: options.targetedFields)
        let lifetime = FreshnessLifetime.of(
            status: entry.status, fields: fields, control: control, receivedAt: wallTime,
            heuristicLimit: options.heuristicLimit)
        return CachedResponse(
            status: entry.status, headerFields: fields, control: control, body: entry.body, age: age,
            freshnessLifetime: lifetime, variant: entry.variant)
    }

    // MARK: - Answering

    /// A stored response as sent to the client: with its current `Age`, without the fields a qualified
    /// `no-cache` withholds until validation, and as a `304` when the client's condition holds.
    private func serve(
        _ entry: CachedResponse, to request: Request, validated: Bool, status: CacheStatus
    ) -> Response {
        var fields = entry.headerFields
        if !validated {
            for name in entry.control.fieldNames("no-cache") {
                if let name = HTTPField.Name(name) { fields[name] = nil }
            }
        }
        fields[.age] = String(entry.age.current(at: runtime.clock.now).wholeSeconds)
        if fields[.contentLength] == nil, entry.status.code != 204 {
            fields[.contentLength] = String(entry.body.readableBytes)
        }
        if entry.status.kind == .successful,
            ConditionalRequest.isNotModified(requestFields: request.headerFields, responseFields: fields)
        {
            return stamped(notModified(from: fields), status)
        }
        if request.method == .get, entry.status == .ok, let range = request.headerFields[.range],
            ConditionalRequest.allowsRange(ifRange: request.headerFields[.ifRange], responseFields: fields)
        {
            return stamped(part(of: entry.body, fields: fields, range: range), status)
        }
        let body = request.method == .head ? HTTPBody.empty : HTTPBody(entry.body)
        return stamped(Response(status: entry.status, headerFields: fields, body: body), status)
    }

    /// The `206` or `416` a `Range` field asks of a stored `200` (RFC 9110 §14), or the whole of it for a
    /// field the cache does not answer (several ranges, another unit).
    private func part(of body: ByteBuffer, fields: HTTPFields, range: String) -> Response {
        var fields = fields
        let size = body.readableBytes
        switch ByteRangeRequest(field: range, size: Int64(size)) {
        case .whole:
            return Response(status: .ok, headerFields: fields, body: HTTPBody(body))
        case .partial(let bytes):
            let (start, end) = (Int(bytes.lowerBound), Int(bytes.upperBound))
            fields[.contentRange] = "bytes \(start)-\(end)/\(size)"
            fields[.contentLength] = String(end - start + 1)
            let slice = body.getSlice(at: body.readerIndex + start, length: end - start + 1) ?? ByteBuffer()
            return Response(status: .partialContent, headerFields: fields, body: HTTPBody(slice))
        case .unsatisfiable:
            fields[.contentRange] = "bytes */\(size)"
            fields[.contentLength] = nil
            return Response(status: .rangeNotSatisfiable, headerFields: fields)
        }
    }

    /// `response` from the origin, or a `304` when the client's own condition holds on it — the cache
    /// removed the client's conditions to ask on its own behalf. A body being stored is read to its end
    /// first, so the entry is still filled.
    private func answeringConditional(_ response: Response, of request: Request) async -> Response {
        guard response.status.kind == .successful,
            ConditionalRequest.isNotModified(requestFields: request.headerFields, responseFields: response.headerFields)
        else { return response }
        await drain(response.body)
        var notModified = notModified(from: response.headerFields)
        notModified.headerFields[values: .cacheStatus] = response.headerFields[values: .cacheStatus]
        if let word = response.headerFields[.xCache] { notModified.headerFields[.xCache] = word }
        return notModified
    }

    /// Reads `body` to its end, for the copy being stored; a body that fails is simply not stored.
    private func drain(_ body: HTTPBody) async {
        guard !body.isReplayable else { return }
        do {
            for try await _ in body {}
        } catch {}
    }

    private func notModified(from fields: HTTPFields) -> Response {
        var kept = HTTPFields()
        for field in fields where ConditionalRequest.notModifiedFields.contains(field.name) || field.name == .age {
            kept.append(field)
        }
        return Response(status: .notModified, headerFields: kept)
    }

    /// The `504` of `only-if-cached` when nothing stored may be served (RFC 9111 §5.2.1.7).
    private func notCached() -> Response {
        stamped(Response.error(.gatewayTimeout), CacheStatus(detail: "only-if-cached"))
    }

    private func stamped(_ response: Response, _ status: CacheStatus) -> Response {
        var response = response
        response.headerFields.append(HTTPField(name: .cacheStatus, value: status.member(name: options.name)))
        if options.xCache { response.headerFields[.xCache] = status.xCache }
        return response
    }
}

/// What is known of a response to be stored before its body has arrived.
struct PendingEntry: Sendable {
    var status: HTTPResponse.Status
    var fields: HTTPFields
    var control: CacheControl
    var age: ResponseAge
    var lifetime: Duration
    var variant: Variant
    var declaredLength: Int?

    /// The entry, with `body` and a `Content-Length` that says its length.
    func complete(with body: ByteBuffer) -> CachedResponse {
        var fields = fields
        if status.code != 204 { fields[.contentLength] = String(body.readableBytes) }
        return CachedResponse(
            status: status, headerFields: fields, control: control, body: body, age: age,
            freshnessLifetime: lifetime, variant: variant)
    }
}
