public import HTTPTypes

/// The trusted-proxy rules for `X-Forwarded-For`, `X-Real-IP` and `X-Forwarded-Proto`, applied by the
/// server to every request before the first middleware runs.
///
/// * **Untrusted peer**: whatever the client sent is discarded. `X-Forwarded-For` and `X-Real-IP`
///   become the peer's address and `X-Forwarded-Proto` the scheme of this connection. A peer whose
///   address is unknown gets no address headers at all, never a spoofed one.
/// * **Trusted peer** (a proxy in front of this server): the peer is appended to `X-Forwarded-For`
///   (`client, proxy1, peer`); `X-Real-IP`, when absent, becomes the first address of that chain; an
///   `X-Forwarded-Proto` the proxy sent is kept, and set from this connection otherwise.
///
/// ```swift
/// var fields: HTTPFields = [.xForwardedFor: "203.0.113.7"]
/// ForwardingHeaders.apply(to: &fields, connection: context.connection, trusting: .privateAndLoopback)
/// ```
public enum ForwardingHeaders {
    /// Rewrites the forwarding headers of `fields` for a request that arrived on `connection`.
    public static func apply(to fields: inout HTTPFields, connection: ConnectionInfo, trusting trusted: TrustedProxies) {
        let peerIP = connection.peerIPText
        let scheme = connection.isSecure ? "https" : "http"
        guard trusted.trusts(connection.peer), let peerIP else {
            fields[.xForwardedFor] = peerIP
            fields[.xRealIP] = peerIP
            fields[.xForwardedProto] = scheme
            return
        }
        let chain = fields[values: .xForwardedFor].filter { !$0.isEmpty }.joined(separator: ", ")
        fields[.xForwardedFor] = chain.isEmpty ? peerIP : chain + ", " + peerIP
        if fields[.xRealIP]?.isEmpty ?? true {
            fields[.xRealIP] = chain.isEmpty ? peerIP : firstAddress(in: chain)
        }
        if fields[.xForwardedProto]?.isEmpty ?? true {
            fields[.xForwardedProto] = scheme
        }
    }

    private static func firstAddress(in chain: String) -> String {
        let first = chain.split(separator: ",", maxSplits: 1).first ?? Substring(chain)
        return first.trimmingCharacters(in: " \t")
    }

    /// A handler applying ``apply(to:connection:trusting:)`` before `next`.
    public struct Handler: ParapetCore.Handler {
        let next: any ParapetCore.Handler
        let trusted: TrustedProxies

        /// Applies the rules for `trusted` peers, then calls `next`.
        public init(next: any ParapetCore.Handler, trusting trusted: TrustedProxies) {
            self.next = next
            self.trusted = trusted
        }

        public func handle(_ request: Request, context: RequestContext) async throws -> Response {
            var request = request
            ForwardingHeaders.apply(to: &request.head.headerFields, connection: context.connection, trusting: trusted)
            return try await next.handle(request, context: context)
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
