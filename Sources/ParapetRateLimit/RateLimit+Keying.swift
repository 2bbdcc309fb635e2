public import HTTPTypes
public import ParapetCore

extension RateLimit {
    /// How a limiter finds the key a request is counted under. A request for which it finds none is not
    /// limited by that limiter — it is never lumped into one bucket shared with every other such request.
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
        ///
        /// ```swift
        /// let byHost = RateLimit.Keying { request, _ in request.authority.map { RateLimitKey($0) } }
        /// ```
        public init(_ body: @escaping @Sendable (Request, RequestContext) -> RateLimitKey?) {
            self.body = body
        }

        /// The key of `request`, or `nil` when it has none.
        ///
        /// ```swift
        /// let key = RateLimit.Keying.clientIP.key(for: request, context: context)
        /// ```
        public func key(for request: Request, context: RequestContext) -> RateLimitKey? {
            body(request, context)
        }

        /// The client's IP address, IPv4 and IPv4-mapped IPv6 as one key.
        ///
        /// The address is the `X-Real-IP` field, which the server sets before the first middleware runs
        /// from its trusted-proxy rules (see ``ParapetCore/ForwardingHeaders``): the peer for a direct
        /// client, the client a trusted proxy names otherwise. A chain run without a server (a simulation,
        /// a test) has no such field; then the connection's peer is used.
        ///
        /// When there is no address — the peer is unknown (a unix socket without a PROXY header), or a
        /// trusted proxy sent something that is not one IP address — the request is **not limited** by this
        /// limiter. Keying all of them on one shared "no address" bucket, as the Go original did, would let
        /// one client exhaust the quota of everyone in it. Put a limiter with another key, or
        /// ``RateLimit/concurrent(capacity:queue:options:)``, in front when such traffic must be bounded too.
        ///
        /// ```swift
        /// try server.use(RateLimit.fixedWindow(perSecond: 20, options: .init(key: .clientIP)))
        /// ```
        public static let clientIP = Keying { request, context in
            clientAddress(request.headerFields, connection: context.connection).map(RateLimitKey.init)
        }

        /// The value of the header field `name` (its first line), as text. A request without the field, or
        /// with an empty value, is not limited by this limiter.
        ///
        /// ```swift
        /// let byAPIKey = RateLimit.Keying.header(HTTPField.Name("X-API-Key")!)
        /// ```
        public static func header(_ name: HTTPField.Name) -> Keying {
            Keying { request, _ in
                guard let value = request.headerFields.first(where: { $0.name == name })?.value, !value.isEmpty else {
                    return nil
                }
                return RateLimitKey(value)
            }
        }

        /// The client address of a request with `fields` on `connection`, as ``clientIP`` describes.
        static func clientAddress(_ fields: HTTPFields, connection: ConnectionInfo) -> IPAddress? {
            guard let realIP = fields.first(where: { $0.name == .xRealIP })?.value else {
                return connection.peer?.ipAddress
            }
            // The common case, a direct client: the field is the peer the server already parsed.
            if realIP == connection.peerIPText, let peer = connection.peer?.ipAddress {
                return peer
            }
            return IPAddress(realIP)
        }
    }
}
