public import HTTPTypes
public import ParapetCore

/// Purges over HTTP, for operators and deploy hooks: `PURGE` on a URL purges that URL, and a `POST` to
/// ``Options/path`` with a JSON ``PurgeScope`` purges any scope. Every other request passes through.
///
/// Only requests `authorize` accepts may purge; the others get `403`. There is no default: an endpoint
/// anyone can reach lets anyone empty the cache and send every request to the origin.
///
/// ```swift
/// let purges = PurgeTable(wallClock: runtime.wallClock)
/// server.use(PurgeEndpoint(purger: purges) { request in
///     request.headerFields[.authorization] == "Bearer \(token)"
/// })
/// server.use(Cache(store: store, options: .init(purges: purges)))
/// ```
///
/// ```
/// PURGE /products/42?color=red HTTP/1.1        → purges that URL of the request's host
/// POST /.parapet/purge  {"purge":"tag","tag":"product-42"}
/// POST /.parapet/purge  {"purge":"prefix","host":"example.com","path":"/blog"}
/// ```
///
/// A purge is answered `200` with what was purged and the epoch stamped (nanoseconds since the Unix
/// epoch): `{"epoch":1767225600000000000,"purged":{"purge":"tag","tag":"product-42"}}`. A body that is
/// not a scope is answered `400` naming the problem, one over ``Options/maxBodySize`` `413`, another
/// method on ``Options/path`` `405`, and a purger that fails (a fan-out that could not publish) `503`;
/// errors read `{"error":"…"}`.
public struct PurgeEndpoint: Middleware {
    /// Where purges are accepted.
    public struct Options: Sendable {
        /// The path a `POST` with a JSON scope purges at. Default `/.parapet/purge`.
        public var path: String
        /// Whether a `PURGE` request purges its own URL. Default `true`.
        public var acceptsPurgeMethod: Bool
        /// The largest body accepted, in bytes. Default 16 KiB.
        public var maxBodySize: Int

        /// Creates options.
        public init(path: String = "/.parapet/purge", acceptsPurgeMethod: Bool = true, maxBodySize: Int = 16 << 10) {
            self.path = path
            self.acceptsPurgeMethod = acceptsPurgeMethod
            self.maxBodySize = maxBodySize
        }
    }

    /// What carries the purges out: a ``PurgeTable``, or a fan-out to other instances around one.
    public let purger: any Purger
    /// Where purges are accepted.
    public let options: Options
    /// Whether a request may purge.
    public let authorize: @Sendable (Request) -> Bool

    /// An endpoint purging through `purger` for the requests `authorize` accepts.
    public init(purger: any Purger, options: Options = Options(), authorize: @escaping @Sendable (Request) -> Bool) {
        self.purger = purger
        self.options = options
        self.authorize = authorize
    }

    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        var check = ConfigurationCheck()
        check.require(
            options.path.hasPrefix("/") && !options.path.contains("?"), "path",
            "must be a path such as /.parapet/purge, got \"\(options.path)\"")
        check.positive(options.maxBodySize, "maxBodySize")
        try check.result()
        return PurgeHandler(next: next, endpoint: self)
    }
}

extension HTTPRequest.Method {
    /// `PURGE`: the method caches such as Varnish and Fastly take to purge the request's URL.
    public static let purge = HTTPRequest.Method("PURGE")!
}
