import ParapetCore

/// A response on its way out of the cache, with what the cache did to get it: stamped into
/// `Cache-Status` and reported once, as it leaves.
struct CacheAnswer {
    var response: Response
    var status: CacheStatus
    /// How long the origin took to answer — from sending the request to the response's head — when this
    /// request asked it (a miss, a validation), not when it waited for another's.
    var originTime: Duration?
    /// Whether the response is one the cache kept — stored, or being stored by another request — rather
    /// than the origin's answer to this one.
    var isFromCache: Bool

    init(_ response: Response, _ status: CacheStatus, originTime: Duration? = nil, isFromCache: Bool = false) {
        self.response = response
        self.status = status
        self.originTime = originTime
        self.isFromCache = isFromCache
    }
}
