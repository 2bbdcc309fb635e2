public import HTTPTypes
public import ParapetCore

/// How long a response stays fresh in a shared cache (RFC 9111 §4.2.1–4.2.2).
///
/// In order: `s-maxage`, `max-age`, `Expires` minus `Date` (unless the directives come from a targeted
/// field, RFC 9213), and — only for a response that may be
/// cached heuristically — a tenth of the time since `Last-Modified`, capped. A directive with a bad
/// argument, or an `Expires` that is not one valid HTTP date, means the response is already stale: the
/// sender meant something, and a cache that guesses could serve for too long.
public enum FreshnessLifetime {
    /// Statuses a cache may keep without explicit freshness (RFC 9110 §15.1), which is also when a
    /// heuristic lifetime may be given.
    public static let heuristicallyCacheable: Set<Int> = [200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]

    /// The freshness lifetime of a response with `status` and `fields`, whose directives are `control`,
    /// received at `receivedAt` on the wall clock (the `Date` it is measured from when it has none).
    ///
    /// - Parameter heuristicLimit: the longest heuristic lifetime given.
    public static func of(
        status: HTTPResponse.Status, fields: HTTPFields, control: CacheControl, receivedAt: WallInstant,
        heuristicLimit: Duration
    ) -> Duration {
        for name in ["s-maxage", "max-age"] {
            switch control.seconds(name) {
            case .valid(let seconds): return .seconds(seconds)
            case .invalid: return .zero
            case .absent: continue
            }
        }
        let date = fields[.date].flatMap(WallInstant.init(httpDate:)) ?? receivedAt
        let expires = control.isTargeted ? [] : fields[values: .expires]
        if !expires.isEmpty {
            guard expires.count == 1, let instant = WallInstant(httpDate: expires[0]) else { return .zero }
            return max(.zero, instant.sinceEpoch - date.sinceEpoch)
        }
        guard heuristicallyCacheable.contains(status.code) || control.contains("public"),
            let lastModified = fields[.lastModified].flatMap(WallInstant.init(httpDate:))
        else { return .zero }
        return min(heuristicLimit, max(.zero, (date.sinceEpoch - lastModified.sinceEpoch) / 10))
    }

    /// Whether the response carries explicit freshness: `s-maxage`, `max-age` or `Expires`.
    static func isExplicit(fields: HTTPFields, control: CacheControl) -> Bool {
        control.contains("s-maxage") || control.contains("max-age") || (!control.isTargeted && fields[.expires] != nil)
    }
}
