public import ParapetCore
public import ParapetUpstream

/// Asks an external service whether a request may pass (Traefik's ForwardAuth, nginx's `auth_request`):
/// a `GET` carrying the original request's fields and `X-Forwarded-Method`, `-Proto`, `-Host`, `-Uri` and
/// `-For`. A 2xx answer lets the request through with ``Options/copiedResponseFields`` copied onto it; any
/// other answer goes back to the client as it is (status, fields, body). When the service cannot be asked
/// in ``Options/timeout``, ``Options/failureMode`` decides (`503` by default).
///
/// ```swift
/// server.use(ForwardAuth(
///     SingleHost("127.0.0.1:9091", transport: HTTPClientTransport()),
///     options: .init(authority: "auth.internal", path: "/verify", copiedResponseFields: [HTTPField.Name("X-User")!])
/// ))
/// ```
public struct ForwardAuth: Middleware {
    /// How the auth service is reached.
    public let transport: any Transport
    /// What it is sent and what is taken from its answer.
    public let options: Options

    /// Creates a forward-auth middleware; nothing is checked until the chain is built.
    public init(_ transport: any Transport, options: Options) {
        self.transport = transport
        self.options = options
    }

    /// Checks the options and the transport, and returns the asking handler in front of `next`.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError`` naming every value that cannot work.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        var check = ConfigurationCheck()
        check.require(!options.authority.isEmpty, "ForwardAuth.Options.authority", "must not be empty")
        check.require(
            options.path.hasPrefix("/"), "ForwardAuth.Options.path", "must start with \"/\", got \"\(options.path)\"")
        check.positive(options.timeout, "ForwardAuth.Options.timeout")
        if options.cacheKey != nil {
            check.positive(options.cacheTTL, "ForwardAuth.Options.cacheTTL")
            check.positive(options.maxCachedAnswers, "ForwardAuth.Options.maxCachedAnswers")
        }
        do {
            try transport.checkConfiguration()
        } catch {
            check.fail("ForwardAuth.transport", "\(error)")
        }
        try check.result()
        return ForwardAuthHandler(
            next: next, transport: transport, options: options,
            cache: options.cacheKey == nil ? nil : BoundedCache(capacity: options.maxCachedAnswers))
    }
}
