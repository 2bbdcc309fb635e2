/// What a cached stack's cache did, counted as the run goes: its answers by kind (from their
/// `Cache-Status`), how stale the stale ones were, and the requests it sent to the origin.
struct CacheTally: Sendable {
    var hits = 0
    var misses = 0
    var collapsed = 0
    var revalidated = 0
    var forwarded = 0
    var staleByReason: [CacheAnswer.StaleReason: Int] = [:]
    var staleSeconds: Int64 = 0
    var maxStaleSeconds: Int64 = 0
    var originRequests = 0
    /// Purges and the store over time, for a cache whose scenario purges or that has a reaper.
    var purging: PurgeTally? = nil

    var stale: Int { staleByReason.values.reduce(0, +) }

    mutating func record(_ answer: CacheAnswer) {
        switch answer {
        case .hit: hits += 1
        case .miss: misses += 1
        case .collapsed: collapsed += 1
        case .revalidated: revalidated += 1
        case .forwarded: forwarded += 1
        case .stale(let reason, let staleness):
            staleByReason[reason, default: 0] += 1
            staleSeconds += staleness
            maxStaleSeconds = max(maxStaleSeconds, staleness)
        }
    }
}
