import ParapetCore

/// What the cache did for one answer, read from the member its `Cache-Status` field (RFC 9211) appends:
/// the simulation counts the cache's own account rather than guessing from timings.
enum CacheAnswer: Equatable {
    /// Served fresh from the store.
    case hit
    /// Served past its freshness, `staleness` whole seconds of it.
    case stale(StaleReason, staleness: Int64)
    /// Answered with another request's origin response (read along its fill, or looked up once stored).
    case collapsed
    /// Asked the origin because nothing (or no matching variant) was stored.
    case miss
    /// Asked the origin to validate a stale entry, and answered with what came back.
    case revalidated
    /// Anything else: forwarded for the method or the request's directives, bypassed, `only-if-cached`.
    case forwarded

    /// Why a stale answer was served, in report order: the `detail` the cache gives, or `max-stale` for a
    /// stale hit the request's own `max-stale` accepted.
    enum StaleReason: String, CaseIterable {
        case staleWhileRevalidate = "stale-while-revalidate"
        case staleIfError = "stale-if-error"
        case originUnreachable = "origin-unreachable"
        case maxStale = "max-stale"
    }

    /// The answer the last member of `field` (a `Cache-Status` value) describes; the cache in front of the
    /// origin appends its member after those of caches nearer the origin.
    init(cacheStatus field: String) {
        let member = field.split(separator: ",").last ?? ""
        var hit = false
        var collapsed = false
        var forward: Substring?
        var ttl: Int64?
        var detail: Substring?
        for parameter in member.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace }
            switch (parts.first, parts.count == 2 ? parts[1] : nil) {
            case ("hit", nil): hit = true
            case ("collapsed", nil): collapsed = true
            case ("fwd", let value?): forward = value
            case ("ttl", let value?): ttl = Int64(value)
            case ("detail", let value?): detail = value
            default: break
            }
        }
        let staleness = max(0, -(ttl ?? 0))
        if collapsed {
            self = .collapsed
        } else if hit || forward == "stale", let detail, let reason = StaleReason(rawValue: String(detail)) {
            self = .stale(reason, staleness: staleness)
        } else if hit {
            self = (ttl ?? 0) < 0 ? .stale(.maxStale, staleness: staleness) : .hit
        } else if forward == "uri-miss" || forward == "vary-miss" {
            self = .miss
        } else if forward == "stale" {
            self = .revalidated
        } else {
            self = .forwarded
        }
    }
}
