public import HTTPTypes

/// Sends interim (`1xx`) responses to the client ahead of the final one — `103 Early Hints`, or a
/// `102 Processing` an upstream sent — through ``RequestContext/sendInterim(_:)``.
///
/// The server provides one for every request. It sends an interim response only while the final response
/// has not started, never to an HTTP/1.0 client (which cannot parse one), and never for `101`, which is a
/// final answer in its own right.
///
/// ```swift
/// let page = Endpoint { request, context in
///     context.sendInterim(HTTPResponse(status: .earlyHints, headerFields: [HTTPField.Name("Link")!: "</app.css>; rel=preload"]))
///     return .text(try await render())
/// }
/// ```
public struct InterimResponses: Sendable {
    private let sender: @Sendable (HTTPResponse) -> Void

    /// Creates a sender that hands each interim head to `send`, which must queue it ahead of anything the
    /// final response writes later.
    public init(_ send: @escaping @Sendable (HTTPResponse) -> Void) {
        self.sender = send
    }

    /// Sends `head` (an informational status other than `101`) to the client, if it can still be sent.
    public func send(_ head: HTTPResponse) {
        guard head.status.kind == .informational, head.status.code != 101 else { return }
        sender(head)
    }
}
