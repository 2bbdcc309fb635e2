public import HTTPTypes

/// The trusted-proxy rules for `X-Forwarded-For`, `X-Real-IP` and `X-Forwarded-Proto`, applied by the
/// server to every request before the first middleware runs; they also settle the request's
/// ``RequestContext/clientAddress``, once (see ``client(forwardedFor:realIP:peer:trusting:)`` for how).
///
/// * **Untrusted peer**: whatever the client sent is discarded. `X-Forwarded-For` and `X-Real-IP`
///   become the peer's address and `X-Forwarded-Proto` the scheme of this connection. A peer whose
///   address is unknown gets no address headers at all, never a spoofed one.
/// * **Trusted peer** (a proxy in front of this server): the peer is appended to `X-Forwarded-For`
///   (`client, proxy1, peer`); `X-Real-IP` becomes the client the walk of that chain found — whatever
///   the request carried before, so the origin behind a proxy sees the same client as every middleware;
///   an `X-Forwarded-Proto` the proxy sent is kept, and set from this connection otherwise.
///
/// Changed from earlier versions (and from the Go original): the client behind a trusted peer was the
/// *leftmost* `X-Forwarded-For` entry — text the client wrote — and a client's own `X-Real-IP` was kept
/// as sent; a value that was not an address took the request out of per-client rate limits.
///
/// ```swift
/// var fields: HTTPFields = [.xForwardedFor: "203.0.113.7"]
/// let client = ForwardingHeaders.apply(to: &fields, connection: context.connection, trusting: .privateAndLoopback)
/// ```
public enum ForwardingHeaders {
    /// Rewrites the forwarding headers of `fields` for a request that arrived on `connection`.
    ///
    /// - Returns: the request's client, the address `X-Real-IP` now carries (when it has one).
    @discardableResult
    public static func apply(
        to fields: inout HTTPFields, connection: ConnectionInfo, trusting trusted: TrustedProxies
    ) -> ClientAddress {
        let peerIP = connection.peerIPText
        let scheme = connection.isSecure ? "https" : "http"
        guard trusted.trusts(connection.peer), let peerIP else {
            fields[.xForwardedFor] = peerIP
            fields[.xRealIP] = peerIP
            fields[.xForwardedProto] = scheme
            return ClientAddress(peer: connection.peer)
        }
        let lines = fields[values: .xForwardedFor]
        let settled = client(forwardedFor: lines, realIP: fields[.xRealIP], peer: connection.peer, trusting: trusted)
        let chain = lines.filter { !$0.isEmpty }.joined(separator: ", ")
        fields[.xForwardedFor] = chain.isEmpty ? peerIP : chain + ", " + peerIP
        fields[.xRealIP] = settled.description
        if fields[.xForwardedProto]?.isEmpty ?? true {
            fields[.xForwardedProto] = scheme
        }
        return settled
    }

    /// A handler applying ``apply(to:connection:trusting:)`` before `next`, and setting the context's
    /// ``RequestContext/clientAddress`` to the client it found.
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
            var context = context
            context.clientAddress = ForwardingHeaders.apply(
                to: &request.head.headerFields, connection: context.connection, trusting: trusted)
            return try await next.handle(request, context: context)
        }
    }
}
