/// What the cache did with one request, in the Go original's five outcomes, as told to
/// ``Cache/Options/onResult`` and written to the access log (`cacheStatus`).
///
/// `Cache-Status` says more; the outcomes map from it so:
///
/// | What the cache did | `Cache-Status` | ``Outcome`` | ``fillDuration`` |
/// |---|---|---|---|
/// | served fresh | `hit; ttl=120` | ``Outcome/hit`` | `nil` |
/// | answered with another request's origin response, or with what it stored | `collapsed` | ``Outcome/hit`` | `nil` |
/// | revalidated, and the origin said `304` | `fwd=stale; fwd-status=304` | ``Outcome/hit`` | the validation |
/// | served stale: in `stale-while-revalidate`, or as the request's `max-stale` allows | `hit; ttl=-3` | ``Outcome/stale`` | `nil` |
/// | served stale because the origin failed or could not be reached | `detail=stale-if-error`, `detail=origin-unreachable` | ``Outcome/staleError`` | the failed attempt |
/// | asked the origin and passed its response on, stored or not | `fwd=uri-miss`, `fwd=vary-miss`, `fwd=stale`, `fwd=request` | ``Outcome/miss`` | the fetch |
/// | `only-if-cached` with nothing to serve | `detail=only-if-cached` | ``Outcome/miss`` | `nil` |
/// | forwarded untouched: a method it does not serve, an upgrade, ``Cache/Options/cacheable`` | `fwd=method`, `fwd=bypass` | ``Outcome/bypass`` | `nil` |
///
/// A `304` revalidation counts as a hit: the body served is the stored one, and only the validation went
/// to the origin (its time is in ``fillDuration``).
public struct CacheResult: Sendable, Hashable {
    /// The outcome; its raw value is the Go original's word.
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// Served from the cache.
        case hit = "HIT"
        /// Answered by the origin, for this request.
        case miss = "MISS"
        /// Served stale from the cache, without waiting for the origin.
        case stale = "STALE"
        /// Served stale from the cache in place of the origin's failure.
        case staleError = "STALE_ERROR"
        /// Not for the cache: forwarded untouched.
        case bypass = "BYPASS"
    }

    /// What the cache did.
    public var outcome: Outcome
    /// How long the origin took to answer this request, from sending it to the response's head (the body
    /// may still be arriving) — when the request asked the origin on its way: a miss, a validation, a
    /// failed attempt served stale. `nil` otherwise, and for a bypass.
    public var fillDuration: Duration?

    /// A result.
    public init(outcome: Outcome, fillDuration: Duration? = nil) {
        self.outcome = outcome
        self.fillDuration = fillDuration
    }

    /// The result of `answer`.
    init(_ answer: CacheAnswer) {
        let status = answer.status
        let outcome: Outcome =
            if status.forward == .bypass || status.forward == .method {
                .bypass
            } else if !answer.isFromCache {
                .miss
            } else if status.detail == "stale-if-error" || status.detail == "origin-unreachable" {
                .staleError
            } else if status.hit, status.detail == "stale-while-revalidate" || (status.ttl ?? 0) < 0 {
                .stale
            } else {
                .hit
            }
        self.init(outcome: outcome, fillDuration: answer.originTime)
    }
}
