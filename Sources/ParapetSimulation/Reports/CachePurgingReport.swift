import ParapetCore

/// What a cached stack's purges did, for a scenario whose timeline purges or a cache with a reaper: the
/// purges applied, the answers served from a response a purge had covered (never, when the cache keeps
/// its promise), and how much its store held over the run.
///
/// ```swift
/// let purging = try #require(report.stack("reaped").cache?.purging)
/// #expect(purging.servedAfterPurge == 0)
/// #expect(purging.memory(at: .seconds(95))?.bytes == 0)
/// ```
public struct CachePurgingReport: Sendable, Hashable, Codable {
    /// Purges applied to the cache's purge table.
    public var purges: Int
    /// Answers whose response came from the origin before a purge covering it (its URL, a prefix of it,
    /// its host, one of its `Cache-Tag`s, or everything) that the request came after. Purges are ordered
    /// as they took effect, so two at one virtual instant are told apart.
    public var servedAfterPurge: Int
    /// The store at the start of the run.
    public var baseline: CacheMemorySample
    /// The sample holding the most bytes (the earliest of equals).
    public var peak: CacheMemorySample
    /// The store when the run ended.
    public var final: CacheMemorySample
    /// The store at every time-series bucket boundary and every instant an expectation asks about, in
    /// time order.
    public var samples: [CacheMemorySample]

    init(tally: PurgeTally) {
        purges = tally.applied.count
        servedAfterPurge = tally.servedAfterPurge
        let final = tally.final ?? CacheMemorySample(at: .zero, bytes: 0, entries: 0)
        baseline = tally.samples.first ?? final
        peak = tally.samples.reduce(baseline) { $1.bytes > $0.bytes ? $1 : $0 }
        self.final = final
        samples = tally.samples
    }

    /// The store at virtual instant `at`: the sample taken then, or the final one when the run ended
    /// before `at` (nothing changes after); `nil` when `at` was not sampled.
    public func memory(at instant: Duration) -> CacheMemorySample? {
        if instant >= final.at { return final }
        return samples.first { $0.at == instant }
    }
}

/// What a cache's `MemoryCacheStore` held at one virtual instant.
public struct CacheMemorySample: Sendable, Hashable, Codable {
    /// When, from the start of the run.
    @Milliseconds public var at: Duration
    /// `storedBytes`: the stored responses' cost.
    public var bytes: Int
    /// `count`: the stored responses.
    public var entries: Int

    /// Creates a sample.
    public init(at: Duration, bytes: Int, entries: Int) {
        self.at = at
        self.bytes = bytes
        self.entries = entries
    }

    /// The measure an expectation names.
    public func value(_ measure: CacheMemoryMeasure) -> Int {
        switch measure {
        case .cacheBytes: bytes
        case .cacheEntries: entries
        }
    }
}
