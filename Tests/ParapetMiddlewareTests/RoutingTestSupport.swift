import HTTPTypes
import ParapetCore

/// An endpoint answering `200` with `name`, to tell which branch of a chain served a request.
func answering(_ name: String) -> Endpoint {
    Endpoint { _, _ in .text(name) }
}

/// A block with `middleware` used into it.
func block<B: Block>(_ block: B, using middleware: any Middleware) throws -> B {
    block.use(middleware)
    return block
}

extension MiddlewareHarness {
    /// The body `chain` answers for a `GET path` to `host`, with `X-Forwarded-Proto` when given.
    func body(
        of chain: any Middleware, host: String?, path: String = "/", forwardedProto: String? = nil
    ) async throws -> String {
        try await send(Self.request(host: host, path: path, forwardedProto: forwardedProto), through: chain).text()
    }

    /// A `GET path` to `host` (no `Host` at all when `nil`), with `X-Forwarded-Proto` when given.
    static func request(host: String?, path: String = "/", forwardedProto: String? = nil) -> Request {
        var fields = HTTPFields()
        fields[.xForwardedProto] = forwardedProto
        return Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: host, path: path, headerFields: fields))
    }
}
