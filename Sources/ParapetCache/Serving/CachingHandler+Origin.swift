import HTTPTypes
import NIOCore
import ParapetCore

extension CachingHandler {
    /// A miss: the origin's answer is passed on, and kept when it may be. Concurrent `GET` misses for one
    /// key make one origin request: the others read its response as it is stored, or look it up once
    /// stored, or — when it cannot be shared or takes longer than ``Cache/Options/lockTimeout`` — ask the
    /// origin themselves.
    func fetch(_ exchange: Exchange, because reason: CacheStatus.Forward) async throws -> CacheAnswer {
        guard exchange.request.method == .get else { return try await fetchAlone(exchange, because: reason) }
        // A client revalidating its own copy (a browser, after an eviction here) still fills the cache:
        // the origin is asked for the whole response, and the client's condition is answered from it.
        var asked = exchange
        if exchange.request.headerFields[.range] == nil {
            asked.request.headerFields[.ifNoneMatch] = nil
            asked.request.headerFields[.ifModifiedSince] = nil
        }
        switch await flights.join(exchange.key) {
        case .lead:
            let sent = runtime.clock.now
            let response: Response
            do {
                response = try await next.handle(asked.request, context: asked.context)
            } catch {
                flights.land(exchange.key, with: .goAlone)
                throw error
            }
            let (answer, outcome, _) = await admit(response, sent: sent, for: asked, status: CacheStatus(forward: reason))
            flights.land(exchange.key, with: outcome)
            return answeringConditional(answer, of: exchange.request)
        case .follow(.filling(let fill)) where mayShare(fill.entry, with: exchange):
            return collapsed(onto: fill, for: exchange.request, because: reason)
        case .follow(.stored):
            if let hit = await storedHit(for: exchange) { return hit }
            return try await fetchAlone(asked, answering: exchange.request, because: reason)
        case .follow:
            return try await fetchAlone(asked, answering: exchange.request, because: reason)
        }
    }

    /// The stored response a request that waited is answered with, when its leader stored one that a
    /// fresh hit could serve.
    private func storedHit(for exchange: Exchange) async -> CacheAnswer? {
        let lookup = await storedLookup(for: exchange.key, selectedBy: exchange.request.headerFields)
        let now = runtime.clock.now
        guard let entry = lookup.response,
            Reuse(of: entry, windows: .never, requestControl: exchange.requestControl, at: now)
                == .fresh
        else { return nil }
        var status = CacheStatus(hit: true, ttl: entry.remainingFreshness(at: now).wholeSeconds)
        status.collapsed = true
        return serve(entry, to: exchange.request, validated: false, status: status)
    }

    /// Whether a request that waited may be answered with `entry`, the response another request is
    /// storing: only as a fresh hit would be — same variant, fresh enough for the request's directives,
    /// no `no-cache` — so nothing that must be revalidated per request is handed to another client; and
    /// not once a purge overtook it, nor while purges are suspended.
    private func mayShare(_ entry: PendingEntry, with exchange: Exchange) -> Bool {
        options.purges?.isSuspended != true
            && !isPurged(key: exchange.key, receivedAt: wallTime(of: entry.requestSent), tags: entry.tags)
            && entry.variant.matches(exchange.request.headerFields)
            && Reuse(
                age: entry.age, lifetime: entry.lifetime, control: entry.control, windows: .never,
                requestControl: exchange.requestControl, at: runtime.clock.now) == .fresh
    }

    /// A miss that asks the origin on its own, with `exchange`'s request, for a client that sent
    /// `original` (the same request, or it with its conditions, which are answered here).
    private func fetchAlone(
        _ exchange: Exchange, answering original: Request? = nil, because reason: CacheStatus.Forward
    ) async throws -> CacheAnswer {
        let sent = runtime.clock.now
        let response = try await next.handle(exchange.request, context: exchange.context)
        let answer = await admit(response, sent: sent, for: exchange, status: CacheStatus(forward: reason)).answer
        return original.map { answeringConditional(answer, of: $0) } ?? answer
    }

    /// A stored response that may not be served as it is: asked for again with its validators. A `304`
    /// refreshes it and it is served; a failure within one of the `fallback` windows serves it stale;
    /// anything else is handled as a miss. Requests that find the same entry stale together make one
    /// validation, as misses make one fetch: the others are answered with what it brought, when a fresh
    /// hit could be.
    func validate(
        _ entry: CachedResponse, _ exchange: Exchange, because reason: CacheStatus.Forward, fallback: StaleWindows?
    ) async throws -> CacheAnswer {
        switch await flights.join(exchange.key) {
        case .lead:
            do {
                let (answer, outcome) = try await validateAlone(entry, exchange, because: reason, fallback: fallback)
                flights.land(exchange.key, with: outcome)
                return answer
            } catch {
                flights.land(exchange.key, with: .goAlone)
                throw error
            }
        case .follow(.filling(let fill)) where mayShare(fill.entry, with: exchange):
            return collapsed(onto: fill, for: exchange.request, because: reason)
        case .follow(.stored):
            if let hit = await storedHit(for: exchange) { return hit }
            return try await validateAlone(entry, exchange, because: reason, fallback: fallback).answer
        case .follow:
            return try await validateAlone(entry, exchange, because: reason, fallback: fallback).answer
        }
    }

    /// One validation of `entry`, and what requests waiting for it can do.
    private func validateAlone(
        _ entry: CachedResponse, _ exchange: Exchange, because reason: CacheStatus.Forward, fallback: StaleWindows?
    ) async throws -> (answer: CacheAnswer, outcome: Flights.Outcome) {
        let sent = runtime.clock.now
        let response: Response
        do {
            response = try await next.handle(conditional(exchange.request, for: entry), context: exchange.context)
        } catch {
            guard !(error is CancellationError), !Task.isCancelled, let fallback,
                let stale = servedStale(
                    entry, to: exchange.request, window: fallback.ifUnreachable, status: nil, sent: sent)
            else { throw error }
            return (stale, .goAlone)
        }
        if response.status == .notModified {
            // A 304 for another representation (RFC 9111 §4.3.4) says nothing about the stored one; nor
            // does one for a response purged while it was asked for, which must not come back as fresh.
            guard ConditionalRequest.notModified(response.headerFields, validates: entry.headerFields),
                !isPurged(key: exchange.key, receivedAt: entry.age.receivedAtWallTime, tags: entry.tags)
            else {
                try? await store.removeAll(for: exchange.key)
                return (try await fetchAlone(exchange, because: reason), .goAlone)
            }
            let refreshed = refresh(entry, with: response, sent: sent, for: exchange)
            await keep(refreshed, for: exchange.key, askedAt: sent)
            let ttl = refreshed.remainingFreshness(at: runtime.clock.now).wholeSeconds
            var answer = serve(
                refreshed, to: exchange.request, validated: true,
                status: CacheStatus(forward: reason, forwardStatus: 304, ttl: ttl))
            answer.originTime = runtime.clock.now - sent
            return (answer, .stored)
        }
        if let fallback,
            let stale = servedStale(
                entry, to: exchange.request, window: fallback.window(forStatus: response.status.code),
                status: response.status.code, sent: sent)
        {
            return (stale, .goAlone)
        }
        let admitted = await admit(response, sent: sent, for: exchange, status: CacheStatus(forward: reason))
        // The origin's new answer may not be stored: neither may the old one be served any more — unless
        // the answer is a failure (`500`, `502`, `503`, `504`), which says nothing of the resource: the
        // stored response stays for clients that accept it stale and for a `304` once the origin is back.
        if !admitted.stores, !StaleWindows.isError(response.status.code) {
            try? await store.removeAll(for: exchange.key)
        }
        return (answeringConditional(admitted.answer, of: exchange.request), admitted.outcome)
    }

    /// The request the cache sends to validate `entry`: the client's own conditions (and its `Range`,
    /// which the cache cuts itself) replaced by the entry's validators.
    private func conditional(_ request: Request, for entry: CachedResponse) -> Request {
        var conditional = request
        for name in ConditionalRequest.fields { conditional.headerFields[name] = nil }
        conditional.headerFields[.range] = nil
        if let tag = entry.headerFields[.eTag] { conditional.headerFields[.ifNoneMatch] = tag }
        if let modified = entry.headerFields[.lastModified] { conditional.headerFields[.ifModifiedSince] = modified }
        return conditional
    }

    /// `entry` served stale in place of a failed revalidation sent at `sent` (answered `status`, or not
    /// at all), when it is no staler than `window`.
    private func servedStale(
        _ entry: CachedResponse, to request: Request, window: Duration, status: Int?, sent: MonotonicInstant
    ) -> CacheAnswer? {
        let remaining = entry.remainingFreshness(at: runtime.clock.now)
        guard window > .zero, .zero - remaining <= window else { return nil }
        let detail = status.map { [502, 504].contains($0) ? "origin-unreachable" : "stale-if-error" } ?? "origin-unreachable"
        let cacheStatus = CacheStatus(
            forward: .stale, forwardStatus: status, ttl: remaining.wholeSeconds, detail: detail)
        var answer = serve(entry, to: request, validated: false, status: cacheStatus)
        answer.originTime = runtime.clock.now - sent
        return answer
    }

    /// Revalidates `entry` off the request path, at most once at a time per key: a `304` refreshes it, a
    /// new response replaces it when it may be stored, and a failure leaves it as it is.
    func revalidateInBackground(_ entry: CachedResponse, _ exchange: Exchange) {
        guard revalidations.claim(exchange.key) else { return }
        var context = exchange.context
        context.values = RequestValues()
        context.interimResponses = nil
        context.upgradedInbound = nil
        context.deadline = runtime.clock.now.advanced(by: options.revalidateTimeout)
        var request = exchange.request
        request.method = .get
        request.body = .empty
        let background = Exchange(
            request: conditional(request, for: entry), requestControl: exchange.requestControl, key: exchange.key,
            context: context)
        runtime.spawner.spawn("cache-revalidation") { [self] in
            defer { revalidations.release(background.key) }
            let sent = runtime.clock.now
            guard let response = try? await next.handle(background.request, context: background.context) else {
                return
            }
            if response.status == .notModified {
                guard ConditionalRequest.notModified(response.headerFields, validates: entry.headerFields),
                    !isPurged(key: background.key, receivedAt: entry.age.receivedAtWallTime, tags: entry.tags)
                else {
                    try? await store.removeAll(for: background.key)
                    return
                }
                let refreshed = refresh(entry, with: response, sent: sent, for: background)
                await keep(refreshed, for: background.key, askedAt: sent)
            } else if !StaleWindows.isError(response.status.code) {
                let admitted = await admit(response, sent: sent, for: background, status: CacheStatus())
                if !admitted.stores {
                    try? await store.removeAll(for: background.key)
                } else if case .goAlone = admitted.outcome {
                    // Stored as it is read, and nobody else reads it.
                    await drain(admitted.answer.response.body)
                }
            }
        }
    }

    /// Passes on an origin response, storing it on the way when RFC 9111 allows, and says what requests
    /// waiting for it can do. A body of known length is read from the origin by a task of its own, so it
    /// is stored even if the client that asked goes away, and every client reads it as it arrives.
    private func admit(
        _ response: Response, sent: MonotonicInstant, for exchange: Exchange, status: CacheStatus
    ) async -> (answer: CacheAnswer, outcome: Flights.Outcome, stores: Bool) {
        var status = status
        status.forwardStatus = response.status.code
        let originTime = runtime.clock.now - sent
        guard exchange.request.method == .get, let entry = storable(response, sent: sent, for: exchange) else {
            return (CacheAnswer(response, status, originTime: originTime), .goAlone, false)
        }
        status.stored = true
        status.ttl = (entry.lifetime - entry.age.initial).wholeSeconds
        var response = response
        let key = exchange.key
        if response.body.isReplayable {
            guard let body = try? await response.body.collect(upTo: options.maxObjectSize) else {
                status.stored = false
                return (CacheAnswer(response, status, originTime: originTime), .goAlone, false)
            }
            await keep(entry.complete(with: body), for: key, askedAt: sent)
            return (CacheAnswer(response, status, originTime: originTime), .stored, true)
        }
        if let length = response.body.knownLength ?? entry.declaredLength {
            let fill = CacheFill(entry: entry, length: length)
            let origin = response.body
            let flights = flights
            flights.fillBegan(key, fill)
            runtime.spawner.spawn("cache-fill") { [self] in
                if let body = await fill.fill(from: origin), !fill.isInvalidated {
                    await keep(entry.complete(with: body), for: key, askedAt: sent)
                }
                flights.fillEnded(key, fill)
            }
            response.body = fill.body
            return (CacheAnswer(response, status, originTime: originTime), .filling(fill), true)
        }
        // No declared length: the copy is kept as the client reads, and nobody else can share it.
        let filling = FillingBody(base: response.body, limit: options.maxObjectSize, expectedLength: nil) {
            [self] body in
            await keep(entry.complete(with: body), for: key, askedAt: sent)
        }
        response.body = HTTPBody(stream: filling, length: nil, trailers: response.body.trailers)
        return (CacheAnswer(response, status, originTime: originTime), .goAlone, true)
    }

    /// A request answered from the fill of the request it waited for.
    private func collapsed(
        onto fill: CacheFill, for request: Request, because reason: CacheStatus.Forward
    ) -> CacheAnswer {
        var fields = fill.entry.fields
        for name in fill.entry.control.fieldNames("no-cache") {
            if let name = HTTPField.Name(name) { fields[name] = nil }
        }
        fields[.age] = String(fill.entry.age.current(at: runtime.clock.now).wholeSeconds)
        if fill.entry.status.code != 204 { fields[.contentLength] = String(fill.length) }
        var status = CacheStatus(forward: reason, forwardStatus: fill.entry.status.code)
        status.collapsed = true
        status.ttl = (fill.entry.lifetime - fill.entry.age.current(at: runtime.clock.now)).wholeSeconds
        if fill.entry.status.kind == .successful,
            ConditionalRequest.isNotModified(requestFields: request.headerFields, responseFields: fields)
        {
            return CacheAnswer(notModified(from: fields), status, isFromCache: true)
        }
        return CacheAnswer(
            Response(status: fill.entry.status, headerFields: fields, body: fill.body), status, isFromCache: true)
    }

    /// The parts of a response to be stored once its body is complete; `nil` when it may not be stored
    /// or would never be of use (no freshness and nothing to revalidate with, or `Vary: *`).
    private func storable(_ response: Response, sent: MonotonicInstant, for exchange: Exchange) -> PendingEntry? {
        let fields = response.headerFields
        let control = CacheControl(response: fields, targets: options.targetedFields)
        let wallTime = runtime.wallClock.now
        let age = ResponseAge(
            fields: fields, requestSent: sent, responseReceived: runtime.clock.now, receivedAtWallTime: wallTime)
        let stored = StoragePolicy.storedFields(fields, control: control, receivedAt: wallTime)
        let originLifetime = FreshnessLifetime.of(
            status: response.status, fields: stored, control: control, receivedAt: wallTime,
            heuristicLimit: options.heuristicLimit)
        let policy: StoredPolicy
        if let forced = forcedPolicy(
            status: response.status, fields: fields, control: control, originLifetime: originLifetime, age: age,
            for: exchange)
        {
            policy = forced
        } else {
            guard
                StoragePolicy.mayStore(
                    status: response.status, fields: fields, control: control,
                    requestFields: exchange.request.headerFields, requestControl: exchange.requestControl),
                options.storesSetCookie || fields[.setCookie] == nil
            else { return nil }
            policy = StoredPolicy(control: control, lifetime: originLifetime)
        }
        let declaredLength = fields[.contentLength].flatMap(Self.contentLength)
        if let length = response.body.knownLength ?? declaredLength, length > options.maxObjectSize { return nil }
        let variant = Variant(vary: fields, request: exchange.request.headerFields)
        let hasValidator = stored[.eTag] != nil || stored[.lastModified] != nil
        guard !variant.isWildcard, policy.lifetime > age.initial || hasValidator else { return nil }
        return PendingEntry(
            status: response.status, fields: stored, control: policy.control, age: age, lifetime: policy.lifetime,
            variant: variant, declaredLength: declaredLength, tags: SurrogateKeys.of(stored), requestSent: sent)
    }

    /// A `Content-Length` value: digits only (`Int` would take `+5`).
    static func contentLength(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return Int(text)
    }

    /// A stored response updated by the `304` that validated it (RFC 9111 §4.3.4): its fields replaced by
    /// the `304`'s, except `Content-Length` and the hop-by-hop ones; its age and freshness from now.
    private func refresh(
        _ entry: CachedResponse, with notModified: Response, sent: MonotonicInstant, for exchange: Exchange
    ) -> CachedResponse {
        let wallTime = runtime.wallClock.now
        let update = StoragePolicy.storedFields(
            notModified.headerFields, control: CacheControl(notModified.headerFields), receivedAt: wallTime)
        var fields = entry.headerFields
        var seen: Set<HTTPField.Name> = []
        for field in update where field.name != .contentLength && seen.insert(field.name).inserted {
            fields[values: field.name] = update[values: field.name]
        }
        let age = ResponseAge(
            fields: notModified.headerFields, requestSent: sent, responseReceived: runtime.clock.now,
            receivedAtWallTime: wallTime)
        let control = CacheControl(response: fields, targets: options.targetedFields)
        let lifetime = FreshnessLifetime.of(
            status: entry.status, fields: fields, control: control, receivedAt: wallTime,
            heuristicLimit: options.heuristicLimit)
        let policy =
            forcedPolicy(
                status: entry.status, fields: fields, control: control, originLifetime: lifetime, age: age,
                for: exchange) ?? StoredPolicy(control: control, lifetime: lifetime)
        return CachedResponse(
            status: entry.status, headerFields: fields, control: policy.control, body: entry.body, age: age,
            freshnessLifetime: policy.lifetime, variant: entry.variant, tags: SurrogateKeys.of(fields))
    }
}
