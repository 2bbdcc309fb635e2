/// A caching policy forced on one response by ``Cache/Options/override``, for an origin that sends no
/// cache headers, or unwanted ones.
///
/// The forced lifetime and windows live only in the stored entry: the `Cache-Control` served to clients
/// stays the origin's, so the policy does not travel downstream. How far the force reaches over the
/// origin's own directives is the ``mode``:
///
/// | Mode | Forces over | Still honours |
/// |---|---|---|
/// | ``Mode/balanced`` | no freshness, `no-cache`, `max-age`, `s-maxage`, `Expires`, `must-revalidate`, `proxy-revalidate` | `no-store`, `private`, `Authorization` without `public`/`s-maxage`/`must-revalidate` |
/// | ``Mode/conservative`` | freshness only when the origin's remaining freshness is zero or less; its windows fill those the origin leaves out | everything else the origin says |
/// | ``Mode/aggressive`` | everything the other modes force, and `no-store`, `private`, the `Authorization` rule | — |
///
/// In every mode a response is never forced when its status is not cacheable by default (RFC 9110
/// §15.1: 200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501), when it sets a cookie, when it says
/// `Vary: *`, when its body is larger than ``Cache/Options/maxObjectSize``, or when the request said
/// `no-store`. A response the mode does not force is handled as though ``Cache/Options/override`` had
/// returned `nil`: the origin's directives decide whether and how long it is kept.
///
/// > Warning: The cache key holds neither `Cookie` nor `Authorization`. A response that depends on
/// > them is served to everyone once it is forced — even ``Mode/balanced`` stores a page gated by a
/// > session cookie when the origin sends no `Set-Cookie`, `private` or `no-store`, and
/// > ``Mode/aggressive`` stores the answer to one user's authorized request for every other user.
/// > Return an override only for paths known to be public, or exclude the others with
/// > ``Cache/Options/cacheable``.
///
/// ```swift
/// Cache.Options(override: { request, status, fields in
///     guard status == .ok else { return nil }                       // only force 200s
///     if fields[.contentType]?.hasPrefix("image/") == true {
///         return CacheOverride(ttl: .seconds(3_600))                // images for an hour
///     }
///     if request.authority == "static.example.com", request.path?.hasSuffix(".js") == true {
///         return CacheOverride(ttl: .seconds(86_400), staleIfError: .seconds(86_400))
///     }
///     return nil                                                    // everything else: the origin decides
/// })
/// ```
public struct CacheOverride: Sendable, Hashable {
    /// How far an override reaches over the origin's own directives.
    public enum Mode: Sendable, Hashable {
        /// Forces the lifetime and the windows over the origin's freshness and revalidation directives,
        /// but never stores what the origin marked `no-store` or `private`, nor the answer to an
        /// authorized request the origin did not mark shareable. Good for static assets.
        case balanced
        /// Forces the lifetime only on a response with no freshness left by the origin's own account
        /// (none at all, `max-age=0`, an `Expires` in the past, an `Age` past its `max-age`), and the
        /// windows only where the origin gave none and allows serving stale. The origin's `no-cache`,
        /// `no-store` and `private` are honoured.
        case conservative
        /// Forces the lifetime and the windows on everything but the responses no override may force,
        /// `no-store`, `private` and authorized requests included.
        ///
        /// > Warning: The answer to one user's authorized request is stored under a key without
        /// > `Authorization` and served to every other user, authorized or not, unless the origin says
        /// > `Vary: Authorization`. Use it only for responses with nothing per-user in them.
        case aggressive
    }

    /// How long the response stays fresh, counted from when it arrived; zero or less forces nothing.
    public var ttl: Duration
    /// How long past that it may be served while revalidated in the background; zero or less leaves
    /// ``Cache/Options/staleWhileRevalidate`` to apply.
    public var staleWhileRevalidate: Duration
    /// How long past that it may be served when revalidating fails; zero or less leaves
    /// ``Cache/Options/staleIfError`` (and ``Cache/Options/staleIfUnreachable``) to apply.
    public var staleIfError: Duration
    /// How far the override reaches over the origin's directives.
    public var mode: Mode

    /// An override keeping a response fresh for `ttl`. The windows are kept in whole seconds, rounded up.
    public init(
        ttl: Duration, staleWhileRevalidate: Duration = .zero, staleIfError: Duration = .zero, mode: Mode = .balanced
    ) {
        self.ttl = ttl
        self.staleWhileRevalidate = staleWhileRevalidate
        self.staleIfError = staleIfError
        self.mode = mode
    }
}
