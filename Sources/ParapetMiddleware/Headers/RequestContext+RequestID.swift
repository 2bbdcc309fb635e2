public import ParapetCore

/// The key under which ``RequestID`` stores a request's id in ``ParapetCore/RequestValues``.
enum RequestIDKey: RequestValueKey {
    typealias Value = String
}

extension RequestContext {
    /// The request's id, as chosen by a ``RequestID`` middleware further out; `nil` when there is none.
    ///
    /// ```swift
    /// server.use(RequestID())
    /// server.use(Endpoint { _, context in .text("request \(context.requestID ?? "-")\n") })
    /// ```
    public var requestID: String? {
        values[RequestIDKey.self]
    }
}
