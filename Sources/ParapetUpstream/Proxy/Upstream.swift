public import ParapetCore

/// The reverse proxy: a terminal middleware that sends every request to a ``Transport`` — a balancer,
/// ``SingleHost``, or a leaf transport — and returns the upstream's response. It never calls the next
/// handler.
///
/// ```swift
/// let pool = TargetPool([Target("10.0.0.1:8080", transport: http), Target("10.0.0.2:8080", transport: http)])
/// server.use(Upstream(RoundRobinBalancer(pool), Upstream.Options(path: "/api", retries: 2)))
/// ```
///
/// ## The outgoing request
///
/// It is built once per client request, and every retry sends it again unchanged but for
/// ``UpstreamRequest/attempt``:
/// - the client's path is put in the server's normal form (``ParapetCore/RequestPathRules``: dot segments
///   resolved, `/foo/../admin` → `/admin`, `/../../etc/passwd` → `/etc/passwd`, `//` merged, only
///   unreserved characters decoded) — the form a `Location` or `Router` matched, so the origin gets the
///   path that was routed — joined under ``Options/Policy/path`` with one slash, and its query placed after the
///   path's; a path the rules refuse (`%2F` by default) is answered `400` and not sent;
/// - ``Options/Policy/host``, when set, replaces the `Host` sent upstream;
/// - hop-by-hop fields are removed (an upgrade request keeps `Connection: upgrade` and `Upgrade`;
///   `TE: trailers` is kept);
/// - `X-Forwarded-For`, `X-Real-IP` and `X-Forwarded-Proto`, which the server set by its trusted-proxy
///   rules before the chain ran, are sent as they are, one line each: the proxy adds no hop of its own.
///
/// ## Failures and retries
///
/// | transport outcome | answer | retried |
/// |---|---|---|
/// | a response, any status (`4xx` and `5xx` included) | passed through | no |
/// | ``UpstreamError/unavailable(_:)`` (shed) | `503` | never |
/// | ``UpstreamError/failed(target:underlying:)``, or any other error | `502` | when eligible |
/// | ``UpstreamError/timedOut(target:)`` (no head in time) | `504` | when eligible |
/// | `CancellationError`, or the request's task cancelled | nothing: `CancellationError` is rethrown | never |
///
/// A request is eligible when ``Options/retryPolicy`` allows it and its body is replayable. Before retry
/// *n* (from 0) the proxy waits ``Options/Policy/backoff`` · 2ⁿ on the runtime's clock; a cancellation during
/// that wait is rethrown. When the request has a ``ParapetCore/RequestContext/deadline`` (set by a timeout
/// middleware, which cancels the proxy and answers `504` when it passes), a retry whose wait would reach
/// the deadline is not taken: the failure is answered at once. Every error that becomes an answer is
/// logged on the request's logger, with `upstream` metadata naming the target when one was tried.
/// ``Options/onRoundTrip`` hears of every attempt.
///
/// ## The response
///
/// Hop-by-hop fields are removed from the upstream's response head (a `101` answering an upgrade keeps
/// `Connection: upgrade` and `Upgrade`; a `101` to a request that asked for no upgrade, or for another
/// protocol, is answered `502`). The body is passed through as the transport's stream, not buffered.
///
/// **Mid-body failures.** Once the head is returned, the status is committed. If the upstream then fails,
/// iterating the response body throws the transport's error; the server must then abort the client's
/// response — close the HTTP/1 connection without the final chunk, reset the HTTP/2 stream — so that
/// the client sees a truncated response, never one that looks complete.
///
/// **Merging with headers set by middlewares.** The proxy returns the upstream's fields and adds none.
/// A middleware that sets a field on the way out (`response.headerFields[.strictTransportSecurity] = …`)
/// replaces every line the upstream sent under that name: the middleware wins and the field appears once.
/// A middleware that wants to add to a list field the upstream may also send (`Vary`) appends instead.
public struct Upstream: Middleware {
    /// Where requests are sent.
    public let transport: any Transport
    /// How they are rewritten, retried and reported.
    public let options: Options

    /// Creates a proxy to `transport`.
    public init(_ transport: any Transport, _ options: Options = Options()) {
        self.transport = transport
        self.options = options
    }

    /// Checks the options and the transport (see ``Transport/checkConfiguration()``) and returns the
    /// proxying handler; `next` is never called.
    ///
    /// - Throws: the ``ParapetCore/ConfigurationError`` of a single bad option, or a
    ///   ``ParapetCore/ChainBuildError`` naming every bad option of the upstream and of its balancers and
    ///   transports.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        var problems = ChainBuildProblems()
        let path = problems.attempt { () throws(ConfigurationError) in try options.policy.validated() }
        problems.check([transport])
        guard let path, problems.problems.isEmpty else { throw problems.error }
        return ProxyHandler(transport: transport, path: path, pathRules: environment.pathRules, options: options)
    }
}
