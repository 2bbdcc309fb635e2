public import HTTPTypes

/// An HTTP request flowing through a middleware chain: a swift-http-types head and a streamed body.
///
/// `Request` is a value: a middleware that rewrites it (a path prefix stripped, a header added) passes
/// its modified copy inward and leaves the caller's untouched.
///
/// ```swift
/// var request = request
/// request.headerFields[.userAgent] = "parapet"
/// request.path = "/v2" + (request.path ?? "/")
/// return try await next.handle(request, context: context)
/// ```
public struct Request: Sendable {
    /// Method, scheme, authority, path and header fields.
    public var head: HTTPRequest
    /// The request body; ``HTTPBody/empty`` when the request has none.
    public var body: HTTPBody

    /// Creates a request from its head and body.
    public init(head: HTTPRequest, body: HTTPBody = .empty) {
        self.head = head
        self.body = body
    }

    /// The request method.
    public var method: HTTPRequest.Method {
        get { head.method }
        set { head.method = newValue }
    }

    /// The request target as sent: path and query, e.g. `/search?q=parapet`.
    public var path: String? {
        get { head.path }
        set { head.path = newValue }
    }

    /// The `Host` of the request: the `:authority` pseudo-header (HTTP/2, or HTTP/1.1's `Host`).
    public var authority: String? {
        get { head.authority }
        set { head.authority = newValue }
    }

    /// The header fields.
    public var headerFields: HTTPFields {
        get { head.headerFields }
        set { head.headerFields = newValue }
    }
}
