public import ParapetCore
import Synchronization

/// Invalidates stored responses by host, URL, path prefix or surrogate key — or all of them — at once,
/// without walking the store: a purge is one record stamped with the wall-clock time, and a response is
/// purged when it arrived at or before the epoch of any record covering it.
///
/// Give the table to ``Cache/Options/purges``: the cache never serves a purged response and removes it
/// when a lookup finds it. A ``CacheReaper`` removes the rest off the request path, and a
/// ``PurgeEndpoint`` lets operators purge over HTTP.
///
/// ```swift
/// let purges = PurgeTable(wallClock: runtime.wallClock)
/// server.use(Cache(store: store, options: .init(purges: purges)))
/// purges.purge(.url(host: "example.com", pathAndQuery: "/a"))   // every method, scheme and variant
/// purges.purge(.prefix(host: "example.com", path: "/blog"))     // /blog and below, not /blogger
/// purges.purge(.tag("product-42"))                               // every host
/// purges.purge(.all)
/// ```
///
/// Epochs only rise: a wall clock stepped back by NTP cannot un-purge anything; until it catches up,
/// responses arriving meanwhile count as purged too and are fetched again. Each scope holds at most
/// `maxRecordsPerScope` records; past that the scope is folded into a purge of everything. A table
/// that was never purged costs a lookup one atomic load.
public final class PurgeTable: Purger {
    private let state: Mutex<StateMachine>
    /// Set once anything was purged, restored or suspended; read before the lock on every lookup.
    private let isActive = Atomic<Bool>(false)
    private let suspended = Atomic<Bool>(false)

    /// The clock purges are stamped with: the clock responses' arrival is read on.
    public let wallClock: any WallClock

    /// A table with no purges, stamping epochs on `wallClock` — the cache's runtime's.
    ///
    /// - Parameter maxRecordsPerScope: the most hosts, URLs, prefixes or tags one scope records before
    ///   it is folded into a global purge; at least 1.
    public init(wallClock: any WallClock, maxRecordsPerScope: Int = 65_536) {
        self.wallClock = wallClock
        self.state = Mutex(StateMachine(maxRecords: maxRecordsPerScope))
    }

    /// Purges `scope` now: from this call on, no response the scope covers that arrived until now is
    /// served. Returns the epoch stamped.
    @discardableResult
    public func purge(_ scope: PurgeScope) -> WallInstant {
        state.withLock { state in
            // Read under the lock, so that epochs are issued in the order purges take effect.
            let epoch = state.purge(scope, now: wallClock.now)
            isActive.store(true, ordering: .releasing)
            return epoch
        }
    }

    /// The latest purge epoch covering a response stored under cache key `key` with surrogate keys
    /// `tags`; `nil` when no purge covers it.
    public func invalidatedAfter(key: String, tags: [String]) -> WallInstant? {
        guard isActive.load(ordering: .acquiring) else { return nil }
        let (host, pathAndQuery) = CacheKey.purgeTarget(of: key)
        return state.withLock { $0.latestEpoch(host: host, pathAndQuery: pathAndQuery, tags: tags) }
    }

    /// Whether `response`, stored under `key`, arrived at or before a purge covering it.
    public func isPurged(_ response: CachedResponse, key: String) -> Bool {
        isPurged(key: key, receivedAt: response.age.receivedAtWallTime, tags: response.tags)
    }

    func isPurged(key: String, receivedAt: WallInstant, tags: [String]) -> Bool {
        guard let epoch = invalidatedAfter(key: key, tags: tags) else { return false }
        return receivedAt <= epoch
    }

    /// Whether the table may be missing purges (see ``suspend()``).
    public var isSuspended: Bool { suspended.load(ordering: .acquiring) }

    /// Says the table may be missing purges — issued elsewhere while it could not hear them — so that
    /// the cache serves nothing stored until ``resume()``: lookups go to the origin, and stored
    /// responses are kept for when the purges are known again.
    public func suspend() {
        isActive.store(true, ordering: .releasing)
        suspended.store(true, ordering: .releasing)
    }

    /// Ends a ``suspend()``, once every purge missed meanwhile has been applied.
    public func resume() {
        suspended.store(false, ordering: .releasing)
    }

    /// The records held, for metrics.
    public var statistics: Statistics {
        state.withLock { state in
            Statistics(
                global: state.global, hostRecords: state.hosts.count, urlRecords: state.urlCount,
                prefixRecords: state.prefixCount, tagRecords: state.tags.count, folds: state.folds)
        }
    }

    /// Every purge held, to keep across a restart.
    public func snapshot() -> Snapshot {
        state.withLock { $0.snapshot }
    }

    /// Adds the purges of `snapshot`; an epoch already held that is later than the snapshot's stays.
    public func restore(_ snapshot: Snapshot) {
        state.withLock { state in
            state.restore(snapshot)
            if state.hasPurges { isActive.store(true, ordering: .releasing) }
        }
    }

    /// What a table holds.
    public struct Statistics: Sendable, Hashable {
        /// The epoch of the latest purge of everything, explicit or folded.
        public var global: WallInstant?
        /// Host records.
        public var hostRecords: Int
        /// URL records.
        public var urlRecords: Int
        /// Path prefix records.
        public var prefixRecords: Int
        /// Tag records.
        public var tagRecords: Int
        /// How many times a scope overflowed and was folded into a purge of everything.
        public var folds: Int
    }
}
