import Crypto
import HTTPTypes
import ParapetCore
import ParapetUpstream

/// The handler a ``ForwardAuth`` installs.
struct ForwardAuthHandler: Handler {
    /// A cached 2xx answer: the fields to copy, until `expiry` on the monotonic clock.
    struct Allowance: Sendable {
        let fields: HTTPFields
        let expiry: MonotonicInstant
    }

    let next: any Handler
    let transport: any Transport
    let options: ForwardAuth.Options
    let cache: BoundedCache<SHA256Digest, Allowance>?

    /// What asking the service gave.
    enum Answer: Sendable {
        case response(Response)
        case failed(String)
    }

    /// Fields never sent to the auth service: hop-by-hop ones, and those describing a body it won't get.
    static let unsent: Set<HTTPField.Name> = Set(
        [
            .connection, .te, .trailer, .transferEncoding, .upgrade, .contentLength, .contentType, .contentEncoding,
            .proxyAuthorization,
        ]
            + ["Keep-Alive", "Proxy-Connection"].compactMap { HTTPField.Name($0) })

    /// Fields never relayed from the auth service's answer.
    static let unrelayed: Set<HTTPField.Name> = Set(
        [.connection, .te, .trailer, .transferEncoding, .upgrade, .proxyAuthenticate]
            + ["Keep-Alive", "Proxy-Connection"].compactMap { HTTPField.Name($0) })

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        let clock = context.runtime.clock
        let cacheKey = options.cacheKey.flatMap { name in
            request.headerFields[values: name].isEmpty
                ? nil : SHA256.hash(data: Array(request.headerFields[values: name].joined(separator: "\n").utf8))
        }
        if let cache, let cacheKey, let allowance = cache.value(for: cacheKey, isFresh: { clock.now < $0.expiry }) {
            options.observe?(.allowed(cached: true))
            return try await next.handle(copying: allowance.fields, onto: request, context: context)
        }
        let answer = await clock.result(by: clock.now.advanced(by: options.timeout)) { [self] in
            await self.ask(about: request, context: context)
        }
        switch answer ?? .failed("timed out") {
        case .response(let response) where (200..<300).contains(response.status.code):
            var fields = HTTPFields()
            for name in options.copiedResponseFields {
                for value in response.headerFields[values: name] { fields.append(HTTPField(name: name, value: value)) }
            }
            if let cache, let cacheKey {
                cache.insert(Allowance(fields: fields, expiry: clock.now.advanced(by: options.cacheTTL)), for: cacheKey)
            }
            options.observe?(.allowed(cached: false))
            return try await next.handle(copying: fields, onto: request, context: context)
        case .response(var response):
            options.observe?(.denied(status: response.status.code))
            response.headerFields.removeAll { Self.unrelayed.contains($0.name) }
            return response
        case .failed(let reason):
            options.observe?(.failed(reason: reason))
            switch options.failureMode {
            case .open: return try await next.handle(request, context: context)
            case .closed: return .error(.serviceUnavailable)
            }
        }
    }

    /// The auth service's answer about `request`, or why there is none.
    private func ask(about request: Request, context: RequestContext) async -> Answer {
        var fields = HTTPFields()
        for field in request.headerFields where !Self.unsent.contains(field.name) {
            if options.requestFields?.contains(field.name) ?? true { fields.append(field) }
        }
        fields[.xForwardedMethod] = request.method.rawValue
        fields[.xForwardedProto] = request.head.scheme ?? (context.connection.isSecure ? "https" : "http")
        fields[.xForwardedHost] = request.authority
        fields[.xForwardedURI] = request.path
        fields[.xForwardedFor] = context.clientAddress.ipAddress.map { "\($0)" }
        let head = HTTPRequest(
            method: .get, scheme: "http", authority: options.authority, path: options.path, headerFields: fields)
        do {
            return .response(try await transport.roundTrip(UpstreamRequest(head: head), context: context).response)
        } catch {
            return .failed("\(error)")
        }
    }
}

extension Handler {
    /// Handles `request` with `fields` set on it, each replacing what the client sent under its name.
    fileprivate func handle(copying fields: HTTPFields, onto request: Request, context: RequestContext) async throws
        -> Response
    {
        var request = request
        for name in Set(fields.map(\.name)) { request.headerFields[name] = nil }
        request.headerFields.append(contentsOf: fields)
        return try await handle(request, context: context)
    }
}

extension HTTPField.Name {
    static let xForwardedMethod = HTTPField.Name("X-Forwarded-Method")!
    static let xForwardedHost = HTTPField.Name("X-Forwarded-Host")!
    static let xForwardedURI = HTTPField.Name("X-Forwarded-Uri")!
}
