import HTTPTypes
import Logging
public import ParapetCore

/// Gives every request an id: the one the client (or a proxy in front) sent, when trusted and well-formed,
/// or a new random UUID. The id goes on the request sent inward, on the response, on the request's logger
/// (metadata `request-id`), on the access-log line (`requestId`) and on its context, as
/// ``ParapetCore/RequestContext/requestID``.
///
/// An incoming id is kept only if ``trustsIncoming`` and it is 1–128 characters of
/// `0-9 A-Z a-z - _ . : + = /` — so a client cannot put control characters or a huge blob into logs and
/// upstream requests; otherwise a version-4 UUID (lower-case, hyphenated) drawn from the runtime's random
/// source replaces it. The response's field is set, replacing whatever an upstream sent under that name.
///
/// ```swift
/// server.use(RequestID())                                          // X-Request-Id, trusting the client
/// server.use(RequestID(header: "X-Trace", trustsIncoming: false))  // always a fresh id
/// server.use(Endpoint { _, context in .text("your id: \(context.requestID ?? "-")\n") })
/// ```
public struct RequestID: Middleware {
    /// The request and response field carrying the id.
    public var header: String
    /// Whether a well-formed incoming id is kept rather than replaced.
    public var trustsIncoming: Bool

    /// Creates the middleware; by default it keeps a valid `X-Request-Id` from the client.
    public init(header: String = "X-Request-Id", trustsIncoming: Bool = true) {
        self.header = header
        self.trustsIncoming = trustsIncoming
    }

    /// Checks the field name and returns the handler.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` when ``header`` is not a
    ///   valid field name.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        guard let field = HTTPField.Name(header) else {
            throw ConfigurationError.invalidValue(
                field: "header", reason: "\"\(header)\" is not a valid HTTP field name")
        }
        return IdentifyingHandler(field: field, trustsIncoming: trustsIncoming, next: next)
    }

    struct IdentifyingHandler: Handler {
        let field: HTTPField.Name
        let trustsIncoming: Bool
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            var request = request
            let id: String
            if trustsIncoming, let incoming = request.headerFields[field], RequestID.isValid(incoming) {
                id = incoming
            } else {
                let random = context.runtime.random.stream(named: "request-id")
                id = RequestID.uuidV4(random.next(), random.next())
                request.headerFields[field] = id
            }
            var context = context
            context.values[RequestIDKey.self] = id
            context.logger[metadataKey: "request-id"] = "\(id)"
            context.accessLog?.set("requestId", .string(id))
            var response = try await next.handle(request, context: context)
            response.headerFields[field] = id
            return response
        }
    }
}
