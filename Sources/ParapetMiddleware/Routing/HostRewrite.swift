import HTTPTypes
public import ParapetCore

/// Rewrites the request's host (`Host`, or HTTP/2 `:authority`) in place for everything after it — the
/// Go original's `host.StripPort()` and `host.ToLower()`.
///
/// Later middlewares, the access log and `Upstream` (which forwards the host it is given) see the rewritten
/// value. A host that is not a well-formed `host[:port]` is left as it is: ``Host`` matches such a request
/// only with `*`, whatever it says.
///
/// ```swift
/// server.use(HostRewrite.stripPort)   // "Example.com:8080" → "Example.com"
/// server.use(HostRewrite.lowercase)   // "Example.com" → "example.com"
/// ```
public struct HostRewrite: Middleware {
    private let rewrite: @Sendable (Authority) -> String

    /// Drops the port: `example.com:8080` → `example.com`, `[2001:db8::1]:443` → `[2001:db8::1]`.
    public static let stripPort = HostRewrite { $0.hostForURL }

    /// Lowercases the host (ASCII; names arrive in their `xn--` form), keeping the port as sent.
    public static let lowercase = HostRewrite { authority in
        let host = authority.hostForURL.lowercased()
        return authority.port.map { host + ":" + $0 } ?? host
    }

    private init(_ rewrite: @escaping @Sendable (Authority) -> String) {
        self.rewrite = rewrite
    }

    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        Rewriting(rewrite: rewrite, next: next)
    }

    private struct Rewriting: Handler {
        let rewrite: @Sendable (Authority) -> String
        let next: any Handler

        func handle(_ request: Request, context: RequestContext) async throws -> Response {
            guard let authority = request.authority.flatMap(Authority.init) else {
                return try await next.handle(request, context: context)
            }
            var request = request
            request.head.authority = rewrite(authority)
            return try await next.handle(request, context: context)
        }
    }
}
