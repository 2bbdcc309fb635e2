public import HTTPTypes
public import ParapetCore

extension RateLimit {
    /// How a limiter finds the key a request is counted under. A request for which it finds none is not
    /// limited by that limiter — it is never lumped into one bucket shared with every other such request.
    /// ``clientIP``, the default, finds one for every request.
    ///
    /// ```swift
    /// let byClient = RateLimit.Keying.clientIP
    /// let byAPIKey = RateLimit.Keying.header(HTTPField.Name("X-API-Key")!)
    /// let byTenant = RateLimit.Keying { request, context in
    ///     context.values[TenantKey.self].map { RateLimitKey("tenant:\($0)") }
    /// }
    /// ```
    public struct Keying: Sendable {
        private let body: @Sendable (Request, RequestContext) -> RateLimitKey?

        /// A keying computed by `body`; returning `nil` exempts the request from the limiter.
        public init(_ body: @escaping @Sendable (Request, RequestContext) -> RateLimitKey?) {
            self.body = body
        }

        /// The key of `request`, or `nil` when it has none.
        public func key(for request: Request, context: RequestContext) -> RateLimitKey? {
            body(request, context)
        }

        /// The request's client, ``ParapetCore/RequestContext/clientAddress``: the address the server
        /// settled on once from its trusted-proxy rules (see ``ParapetCore/ForwardingHeaders``) — the peer
        /// for a direct client, the first untrusted hop of `X-Forwarded-For` behind trusted proxies. No
        /// header is read here, so none can move a request to another key or out of the limiter.
        ///
        /// Every request has a key. IPv4 and IPv4-mapped IPv6 are one key; IPv6 clients are grouped by
        /// ``Options/ipv6PrefixLength`` (a /64 by default). A peer without an IP address — a unix-domain
        /// socket, or a context made without a peer — is keyed as itself (`unix:PATH`, `unknown`): every
        /// request from it shares that one key, as they share the one peer.
        ///
        /// Changed from earlier versions, which read `X-Real-IP` here and let a request whose value was not
        /// an address pass unlimited.
        public static let clientIP = Keying { _, context in
            RateLimitKey(context.clientAddress)
        }

        /// The value of the header field `name` (its first line), as text. A request without the field, or
        /// with an empty value, is not limited by this limiter.
        public static func header(_ name: HTTPField.Name) -> Keying {
            Keying { request, _ in
                guard let value = request.headerFields.first(where: { $0.name == name })?.value, !value.isEmpty else {
                    return nil
                }
                return RateLimitKey(value)
            }
        }
    }
}
