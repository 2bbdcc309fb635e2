public import HTTPTypes

/// An HTTP response produced by a handler: a swift-http-types head and a streamed body.
///
/// ```swift
/// Response(status: .ok, headerFields: [.contentType: "text/plain"], body: HTTPBody(string: "hello\n"))
/// Response.text("not here\n", status: .notFound)
/// ```
public struct Response: Sendable {
    /// Status and header fields.
    public var head: HTTPResponse
    /// The response body.
    public var body: HTTPBody

    /// Creates a response from its head and body.
    public init(head: HTTPResponse, body: HTTPBody = .empty) {
        self.head = head
        self.body = body
    }

    /// Creates a response with `status`, `headerFields` and `body`.
    public init(status: HTTPResponse.Status, headerFields: HTTPFields = [:], body: HTTPBody = .empty) {
        self.init(head: HTTPResponse(status: status, headerFields: headerFields), body: body)
    }

    /// A plain-text response (`text/plain; charset=utf-8`, `X-Content-Type-Options: nosniff`).
    public static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headerFields: [.contentType: "text/plain; charset=utf-8", .xContentTypeOptions: "nosniff"],
            body: HTTPBody(string: text)
        )
    }

    /// The conventional error response for `status`: its reason phrase as plain text.
    ///
    /// ```swift
    /// Response.error(.badGateway)   // 502, body "Bad Gateway\n"
    /// ```
    public static func error(_ status: HTTPResponse.Status) -> Response {
        text(status.reasonPhrase + "\n", status: status)
    }

    /// The response status.
    public var status: HTTPResponse.Status {
        get { head.status }
        set { head.status = newValue }
    }

    /// The header fields.
    public var headerFields: HTTPFields {
        get { head.headerFields }
        set { head.headerFields = newValue }
    }
}
