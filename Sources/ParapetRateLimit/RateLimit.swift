public import ParapetCore

/// Limits how often, or how many at once, requests pass: a ``Strategy`` (fixed window, sliding window,
/// leaky bucket, concurrency cap) applied per key (by default the client address), answering `429 Too
/// Many Requests` with `Retry-After` when a key is over its quota.
///
/// ```swift
/// server.use(RateLimit.fixedWindow(perSecond: 60))
/// server.use(RateLimit.fixedWindow(perMinute: 300))
/// server.use(RateLimit.concurrent(capacity: 8, queue: 32, options: .init(
///     key: .header(HTTPField.Name("X-API-Key")!),
///     sendsRateLimitFields: true
/// )))
/// ```
///
/// Options are checked, and the limiter with its per-key state created, when the chain is built: a value
/// that cannot work makes ``wrap(_:in:)`` throw a ``ParapetCore/ConfigurationError`` naming the field. Each
/// place a `RateLimit` is built into a chain has counters of its own.
///
/// For each request: a request ``Options/appliesTo`` rejects, or whose ``Options/key`` finds no key, goes
/// straight on. Otherwise the limiter decides — a leaky bucket or a concurrency queue may first make it
/// wait — and ``Options/observe`` hears the outcome. An allowed request is served (a concurrency slot is
/// held until its response body ends, fails or is dropped); a limited one is answered by
/// ``Options/onExceeded``. With ``Options/sendsRateLimitFields`` both responses carry `RateLimit-Policy`
/// and `RateLimit` fields.
public struct RateLimit: Middleware {
    /// The algorithm and its quota.
    ///
    /// ```swift
    /// print(RateLimit.fixedWindow(perSecond: 60).strategy.name)   // fixed-60-per-1s
    /// ```
    public let strategy: Strategy
    /// Keys, scope, response and hooks.
    public let options: Options

    /// Creates a limiter applying `strategy` as `options` say.
    public init(_ strategy: Strategy, options: Options = Options()) {
        self.strategy = strategy
        self.options = options
    }

    /// Checks the options, makes the limiter on `environment`'s runtime, and returns the limiting handler
    /// in front of `next`; a server calls it when it builds its chain.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError`` naming every value that cannot work.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        let name = options.name ?? strategy.name
        var check = ConfigurationCheck()
        check.require(
            RateLimitFields.isValidName(name), "RateLimit.Options.name",
            "must be 1 to 128 printable ASCII characters (it names the policy in RateLimit fields), got \"\(name)\"")
        check.within(1...128, options.ipv6PrefixLength, "RateLimit.Options.ipv6PrefixLength")
        check.atLeast(1, options.maxKeys, "RateLimit.Options.maxKeys")
        try check.result()
        let limiter = try strategy.makeLimiter(
            environment.runtime, LimiterSettings(name: name, maxKeys: options.maxKeys))
        return LimitingHandler(
            next: next,
            limiter: limiter,
            name: name,
            options: options,
            fields: options.sendsRateLimitFields ? LimitingHandler.Fields(name: name, quota: limiter.quota) : nil
        )
    }
}
