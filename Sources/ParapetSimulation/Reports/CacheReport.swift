/// What a stack's HTTP cache did, from the `Cache-Status` of every answer it gave: hits, misses, stale
/// answers (and why they were served), answers collapsed onto another request's origin response, and the
/// requests that reached the origin.
///
/// ```swift
/// let cache = try #require(report.stack("cached").cache)
/// #expect(cache.originRequests == 1)                             // a cold herd made one origin request
/// ```
public struct CacheReport: Sendable, Hashable, Codable {
    /// The memory store's budget, in bytes.
    public var byteBudget: Int
    /// Requests the cache sent on to the `Upstream` middleware: misses, validations (background ones
    /// included) and everything it forwarded.
    public var originRequests: Int
    /// Answers served fresh from the store.
    public var hits: Int
    /// Answers that asked the origin because nothing was stored for them.
    public var misses: Int
    /// Answers served stale.
    public var staleAnswers: Int
    /// Stale answers by why they were served (`stale-while-revalidate`, `stale-if-error`,
    /// `origin-unreachable`, `max-stale`), in that order, the non-zero ones.
    public var staleReasons: [StatusCount]
    /// How far past its freshness the stalest answer was, in whole seconds rounded up: `Cache-Status` gives
    /// the remaining freshness (`ttl`) rounded down.
    @Milliseconds public var maxStaleness: Duration
    /// How far past their freshness stale answers were on average (zero without any).
    @Milliseconds public var meanStaleness: Duration
    /// Answers taken from another request's origin response instead of asking the origin.
    public var collapsedAnswers: Int
    /// Answers for which a stale entry was validated with the origin.
    public var revalidated: Int
    /// Answers the cache passed to the origin for other reasons (the method, the request's directives).
    public var forwarded: Int
    /// Its purges and its store over time, when the scenario purges or the cache has a reaper.
    public var purging: CachePurgingReport?

    init(byteBudget: Int, tally: CacheTally) {
        self.byteBudget = byteBudget
        originRequests = tally.originRequests
        hits = tally.hits
        misses = tally.misses
        let stale = tally.stale
        staleAnswers = stale
        staleReasons = CacheAnswer.StaleReason.allCases.compactMap { reason in
            tally.staleByReason[reason].map { StatusCount(status: reason.rawValue, count: $0) }
        }
        maxStaleness = .seconds(tally.maxStaleSeconds)
        meanStaleness = stale == 0 ? .zero : .milliseconds(tally.staleSeconds * 1_000 / Int64(stale))
        collapsedAnswers = tally.collapsed
        revalidated = tally.revalidated
        forwarded = tally.forwarded
        purging = tally.purging.map(CachePurgingReport.init)
    }

    /// The count an expectation names.
    public func count(_ count: CacheCount) -> Int {
        switch count {
        case .originRequests: originRequests
        case .cacheHits: hits
        case .cacheMisses: misses
        case .staleAnswers: staleAnswers
        case .collapsedAnswers: collapsedAnswers
        case .servedAfterPurge: purging?.servedAfterPurge ?? 0
        }
    }
}
