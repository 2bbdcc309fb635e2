import ParapetCache

/// What a purging (or reaped) cache did with its purges, counted as the run goes: the purges applied in
/// order, the answers served from a response a purge had already covered, and its store sampled over time.
struct PurgeTally: Sendable {
    /// The purges applied so far, in the order they took effect.
    var applied: [Scenario.Purge] = []
    /// Answers whose response came from the origin before a purge covering it that the request came after.
    var servedAfterPurge = 0
    /// The store, at each sampled instant in time order.
    var samples: [CacheMemorySample] = []
    /// The store when the run ended.
    var final: CacheMemorySample?

    /// Counts an answer for `pathAndQuery` on `host` with `tags` that a request asked for once `askedAfter`
    /// purges had been applied, from a response the origin gave once `filledAfter` had been: it was served
    /// after a purge when one of the purges in between covers it. An answer fetched for the request itself
    /// arrived after the request, so has nothing in between.
    mutating func answered(host: String, pathAndQuery: String, tags: [String], filledAfter: Int, askedAfter: Int) {
        guard filledAfter < askedAfter, filledAfter >= 0, askedAfter <= applied.count else { return }
        if applied[filledAfter..<askedAfter].contains(where: {
            $0.covers(host: host, pathAndQuery: pathAndQuery, tags: tags)
        }) {
            servedAfterPurge += 1
        }
    }
}

extension Scenario.Purge {
    /// Whether the purge covers a response for `pathAndQuery` on `host` carrying `tags`, by the rules
    /// `PurgeScope` documents — worked out here rather than asked of the cache, since it is the cache that
    /// is being checked.
    func covers(host: String, pathAndQuery: String, tags: [String]) -> Bool {
        switch self {
        case .all:
            return true
        case .host(let purged):
            return Self.normalized(host: purged) == Self.normalized(host: host)
        case .url(let purged):
            return purged == pathAndQuery
        case .prefix(let purged):
            let prefix = Self.trimmingTrailingSlashes(purged)
            let path = Self.trimmingTrailingSlashes(pathAndQuery.prefix { $0 != "?" })
            return prefix.isEmpty || path == prefix || path.hasPrefix(prefix + "/")
        case .tag(let purged):
            return tags.contains(purged)
        }
    }

    /// Lowercased, without a port.
    private static func normalized(host: String) -> Substring {
        let lowered = host.lowercased()[...]
        return lowered.hasPrefix("[") ? lowered : lowered.prefix { $0 != ":" }
    }

    private static func trimmingTrailingSlashes(_ path: some StringProtocol) -> Substring {
        var path = Substring(path)
        while path.hasSuffix("/") { path = path.dropLast() }
        return path
    }
}

extension MemoryCacheStore {
    /// What the store holds now, as a sample taken at virtual nanosecond `instant`.
    func sample(at instant: Int64) -> CacheMemorySample {
        CacheMemorySample(at: .nanoseconds(instant), bytes: storedBytes, entries: count)
    }
}
