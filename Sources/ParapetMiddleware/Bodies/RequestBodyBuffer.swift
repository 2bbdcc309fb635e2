import HTTPTypes
public import ParapetCore

/// Reads each request body into memory, up to a limit, before the next handler runs — so that the
/// upstream can retry the request and a mirror can replay it, and a slow client's upload is over before
/// an upstream connection is taken. A body over the limit is answered `413 Content Too Large`.
///
/// A buffered body has a known length, so the upstream receives it with `Content-Length` even when the
/// client sent it chunked. Bodies already in memory pass through as they are.
///
/// ```swift
/// server.use(RequestBodyLimit(15 << 20))
/// server.use(RequestBodyBuffer(upTo: 15 << 20))
/// server.use(Upstream(balancer, Upstream.Options(retries: 2)))   // now retries POSTs' bodies too
/// ```
public struct RequestBodyBuffer: Middleware {
    /// The most bytes held in memory for one request.
    public let limit: Int

    /// Creates a buffer of at most `limit` bytes per request.
    public init(upTo limit: Int) {
        self.limit = limit
    }

    /// Checks the limit and returns the buffering handler.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` for a negative limit.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        guard limit >= 0 else {
            throw ConfigurationError.invalidValue(field: "limit", reason: "\(limit) bytes is negative")
        }
        return BufferingHandler(limit: limit, next: next)
    }

    struct BufferingHandler: Handler {
        let limit: Int
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            var request = request
            do {
                request.body = try await request.body.buffered(upTo: limit)
            } catch HTTPBodyError.tooLarge {
                return .error(.contentTooLarge)
            }
            return try await next.handle(request, context: context)
        }
    }
}
