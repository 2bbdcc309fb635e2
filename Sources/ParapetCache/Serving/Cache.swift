public import HTTPTypes
public import ParapetCore

/// An RFC 9111 shared cache in front of the rest of the chain, for a reverse proxy.
///
/// `GET` responses are stored when the RFC allows a shared cache to store them — explicit freshness
/// (`s-maxage`, `max-age`, `Expires`), or a status cacheable by default with a heuristic lifetime from
/// `Last-Modified` — and served to later `GET` and `HEAD` requests while fresh, with an `Age` computed
/// on the injected clocks. Stale responses are revalidated with `If-None-Match`/`If-Modified-Since`, and
/// a `304` refreshes the stored fields. Clients' own conditional requests are answered `304` from the
/// cache. Request directives are honoured (`no-cache`, `max-age`, `min-fresh`, `max-stale`,
/// `only-if-cached`, `stale-if-error`), as are the response's (`no-store`, `private`, `no-cache` with and without field
/// names, `must-revalidate`, `proxy-revalidate`, `s-maxage`, `must-understand`, `public`). A successful
/// unsafe request (`POST`, `PUT`, `DELETE`, …) invalidates its URL and same-origin `Location` and
/// `Content-Location`. A stale response is served while it is revalidated in the background within its
/// `stale-while-revalidate` window, and instead of an error within its `stale-if-error` window (RFC 5861)
/// or, when the origin cannot be reached, within ``Options/staleIfUnreachable``. Concurrent misses for
/// one URL make one origin request, whose body every waiting client reads as it arrives, and requests
/// that find an entry stale together make one validation; a targeted
/// `CDN-Cache-Control` (RFC 9213) overrides `Cache-Control` for this cache. Every response says what the
/// cache did in `Cache-Status` (RFC 9211).
///
/// ```swift
/// let store = MemoryCacheStore(byteBudget: 256 << 20)
/// server.use(Cache(store: store))
/// server.use(Upstream(RoundRobinBalancer(targets)))
/// ```
///
/// | Outcome | `Cache-Status` |
/// |---|---|
/// | served fresh from the cache | `parapet; hit; ttl=120` |
/// | served stale, as the request's `max-stale` allows | `parapet; hit; ttl=-3` |
/// | not in the cache | `parapet; fwd=uri-miss; fwd-status=200; stored; ttl=60` |
/// | not in the cache, answered by another request's origin response | `parapet; fwd=uri-miss; fwd-status=200; collapsed; ttl=60` |
/// | in the cache, but for other `Vary` values | `parapet; fwd=vary-miss; fwd-status=200` |
/// | stale, revalidated | `parapet; fwd=stale; fwd-status=304; ttl=60` |
/// | stale, revalidating in the background | `parapet; hit; ttl=-3; detail=stale-while-revalidate` |
/// | stale, served because the origin failed | `parapet; fwd=stale; fwd-status=503; ttl=-3; detail=stale-if-error` |
/// | stale, served because the origin was unreachable | `parapet; fwd=stale; fwd-status=502; ttl=-3; detail=origin-unreachable` |
/// | purged (see ``Options/purges``) | `parapet; fwd=uri-miss; fwd-status=200; stored; ttl=60` |
/// | `only-if-cached` and nothing to serve (`504`) | `parapet; detail=only-if-cached` |
/// | the request's directives asked for the origin | `parapet; fwd=request; fwd-status=200` |
/// | a method the cache does not serve | `parapet; fwd=method; fwd-status=201` |
/// | not for the cache (``Options/cacheable``, an upgrade) | `parapet; fwd=bypass; fwd-status=101` |
///
/// The same outcome goes to ``Options/onResult`` and to an access log mounted outside the cache, in the Go
/// original's words (see ``CacheResult``). For an origin that sends no cache headers, or unwanted ones,
/// ``Options/override`` forces a lifetime and stale windows per response (see ``CacheOverride``).
public struct Cache: Middleware {
    /// How the cache behaves.
    public struct Options: Sendable {
        /// The cache's name in `Cache-Status`. Default `parapet`.
        public var name: String
        /// The largest body stored, in bytes; longer ones are served but not kept. Default 8 MiB.
        public var maxObjectSize: Int
        /// The longest freshness given by heuristic, to a response with `Last-Modified` and no explicit
        /// freshness. Default one day.
        public var heuristicLimit: Duration
        /// How long past its freshness a response may be served while it is revalidated in the background,
        /// when it has no `stale-while-revalidate` of its own. Default zero (RFC 5861 opt-in only).
        public var staleWhileRevalidate: Duration
        /// How long past its freshness a response may be served when revalidating it fails with `500`,
        /// `502`, `503` or `504`, or does not get an answer, when it has no `stale-if-error` of its own.
        /// Default zero (RFC 5861 opt-in only).
        public var staleIfError: Duration
        /// How long past its freshness a response may be served when the origin cannot be reached: no
        /// answer, `502` or `504`. RFC 9111 §4.2.4 lets a disconnected cache serve stale; a response
        /// saying `must-revalidate`, `proxy-revalidate`, `s-maxage` or `no-cache` is never served stale.
        /// Default one hour.
        public var staleIfUnreachable: Duration
        /// How long a miss waits for the same key's miss in flight before asking the origin itself.
        /// Default 2 s.
        public var lockTimeout: Duration
        /// How long a background revalidation may take. Default 30 s.
        public var revalidateTimeout: Duration
        /// The targeted cache-control fields (RFC 9213) this cache obeys, in order of precedence: the first
        /// with a valid value replaces `Cache-Control` and `Expires` for this cache's decisions. Default
        /// `CDN-Cache-Control`, for a cache at the edge; empty to obey `Cache-Control` alone.
        public var targetedFields: [HTTPField.Name]
        /// Whether a response that sets a cookie may be stored and served to other clients. RFC 9111 lets a
        /// shared cache do so (and the cache-tests suite requires it); nginx and Varnish refuse by
        /// default, since an origin that sets a session cookie on a cacheable page hands it to everyone.
        /// Default `true`; `false` keeps every response with `Set-Cookie` out of the store.
        public var storesSetCookie: Bool
        /// Whether responses also say `X-Cache: HIT`, `MISS` or `STALE`, as the Go original does.
        /// Default `false`.
        public var xCache: Bool
        /// Decides per request whether the cache handles it at all; `false` forwards it untouched
        /// (`fwd=bypass`). Default: every request.
        public var cacheable: (@Sendable (Request) -> Bool)?
        /// The purges the cache obeys: a response a purge covers is never served again, and is removed
        /// when a lookup finds it (see ``PurgeTable``). Default: none.
        public var purges: PurgeTable?
        /// Forces a caching policy on the responses it returns one for, over the origin's directives —
        /// for an origin that sends no cache headers, or unwanted ones (see ``CacheOverride`` for what each
        /// mode forces and never forces). It is called with the request and the origin's status and
        /// fields each time a `GET` response may be stored — a miss, a revalidation, a `304` refreshing a
        /// stored response — so a stored response follows the policy the hook gives now. `nil` from it, or
        /// a ``CacheOverride/ttl`` of zero or less, leaves the origin's directives to decide. Default: none.
        ///
        /// The forced policy is the cache's own: clients are sent the origin's `Cache-Control`.
        ///
        /// > Warning: Responses that depend on `Cookie` or `Authorization` are shared once forced, since
        /// > neither is in the cache key: return an override only for paths known to be public.
        public var override: (@Sendable (Request, HTTPResponse.Status, HTTPFields) -> CacheOverride?)?
        /// Told what the cache did with each request it answers — hit, miss, stale, stale on error or
        /// bypass (see ``CacheResult``), and how long the origin took when this request asked it — once,
        /// when the response's head leaves the cache, before its body. Never called for background
        /// revalidations, nor for a request whose handling throws. It runs on the request's path: keep it
        /// quick. Default: none.
        ///
        /// ```swift
        /// Cache.Options(onResult: { _, result in
        ///     metrics.count(result.outcome)
        ///     if let time = result.fillDuration { metrics.observeFill(time) }
        /// })
        /// ```
        public var onResult: (@Sendable (Request, CacheResult) -> Void)?

        /// Creates options.
        public init(
            name: String = "parapet", maxObjectSize: Int = 8 << 20, heuristicLimit: Duration = .seconds(86_400),
            staleWhileRevalidate: Duration = .zero, staleIfError: Duration = .zero,
            staleIfUnreachable: Duration = .seconds(3_600), lockTimeout: Duration = .seconds(2),
            revalidateTimeout: Duration = .seconds(30),
            targetedFields: [HTTPField.Name] = [.cdnCacheControl], storesSetCookie: Bool = true, xCache: Bool = false,
            cacheable: (@Sendable (Request) -> Bool)? = nil, purges: PurgeTable? = nil,
            override: (@Sendable (Request, HTTPResponse.Status, HTTPFields) -> CacheOverride?)? = nil,
            onResult: (@Sendable (Request, CacheResult) -> Void)? = nil
        ) {
            self.name = name
            self.maxObjectSize = maxObjectSize
            self.heuristicLimit = heuristicLimit
            self.staleWhileRevalidate = staleWhileRevalidate
            self.staleIfError = staleIfError
            self.staleIfUnreachable = staleIfUnreachable
            self.lockTimeout = lockTimeout
            self.revalidateTimeout = revalidateTimeout
            self.targetedFields = targetedFields
            self.storesSetCookie = storesSetCookie
            self.xCache = xCache
            self.cacheable = cacheable
            self.purges = purges
            self.override = override
            self.onResult = onResult
        }
    }

    /// Where responses are kept.
    public let store: any CacheStore
    /// How the cache behaves.
    public let options: Options

    /// A cache keeping responses in `store`.
    public init(store: any CacheStore, options: Options = Options()) {
        self.store = store
        self.options = options
    }

    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        var check = ConfigurationCheck()
        check.require(
            !options.name.isEmpty && options.name.utf8.allSatisfy(ListScanner.isTokenByte), "name",
            "must be a token such as parapet, got \"\(options.name)\"")
        check.positive(options.maxObjectSize, "maxObjectSize")
        check.nonNegative(options.heuristicLimit, "heuristicLimit")
        check.nonNegative(options.staleWhileRevalidate, "staleWhileRevalidate")
        check.nonNegative(options.staleIfError, "staleIfError")
        check.nonNegative(options.staleIfUnreachable, "staleIfUnreachable")
        check.nonNegative(options.lockTimeout, "lockTimeout")
        check.positive(options.revalidateTimeout, "revalidateTimeout")
        try check.result()
        return CachingHandler(
            next: next, store: store, options: options, runtime: environment.runtime,
            revalidations: KeysInFlight(), flights: Flights(clock: environment.runtime.clock, timeout: options.lockTimeout))
    }
}

extension HTTPField.Name {
    /// `CDN-Cache-Control` (RFC 9213): cache directives for CDNs and other edge caches only.
    public static let cdnCacheControl = HTTPField.Name("CDN-Cache-Control")!
}
