public import HTTPTypes
public import ParapetCore

/// Refuses request bodies larger than a limit with `413 Content Too Large`.
///
/// A body of known length (`Content-Length`) over the limit is refused before the next handler runs. A
/// body of unknown length (chunked, or HTTP/2 without `content-length`) is counted as the next handler
/// reads it: the read that goes past the limit fails with ``ParapetCore/HTTPBodyError/tooLarge(limit:)``,
/// and whatever the next handler then answers — an upstream's `502`, an error — is replaced by the `413`.
/// Exactly `limit` bytes pass; `limit + 1` bytes are refused, whichever way the body is framed.
///
/// ```swift
/// server.use(RequestBodyLimit(15 << 20))   // 15 MiB
/// uploads.use(RequestBodyLimit(1 << 30, whenExceeded: Endpoint { _, _ in .text("too big\n", status: .contentTooLarge) }))
/// ```
public struct RequestBodyLimit: Middleware {
    /// The most body bytes a request may carry; `0` allows only empty bodies.
    public let limit: Int
    /// Answers a request whose body is over the limit.
    public let whenExceeded: any Handler

    /// Creates a limit of `limit` bytes, answering `413 Content Too Large` beyond it unless `whenExceeded`
    /// answers otherwise.
    public init(_ limit: Int, whenExceeded: any Handler = Endpoint { _, _ in .error(.contentTooLarge) }) {
        self.limit = limit
        self.whenExceeded = whenExceeded
    }

    /// Checks the limit and returns the limiting handler.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for a negative limit.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        guard limit >= 0 else {
            throw ConfigurationError.invalidValue(field: "limit", reason: "\(limit) bytes is negative")
        }
        return LimitingHandler(limit: limit, whenExceeded: whenExceeded, next: next)
    }

    struct LimitingHandler: Handler {
        let limit: Int
        let whenExceeded: any Handler
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            if let length = request.body.knownLength {
                guard length <= limit else { return try await whenExceeded.handle(request, context: context) }
                return try await next.handle(request, context: context)
            }
            let counted = LimitedRequestBody(request.body, limit: limit)
            var request = request
            request.body = counted.body
            let response: Response
            do {
                response = try await next.handle(request, context: context)
            } catch {
                guard counted.hasOverflowed else { throw error }
                return try await whenExceeded.handle(request, context: context)
            }
            guard !counted.hasOverflowed else { return try await whenExceeded.handle(request, context: context) }
            return response
        }
    }
}
