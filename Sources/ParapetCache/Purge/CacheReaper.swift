import Logging
public import ParapetCore

/// Removes from a cache's store, in the background, what the cache will never serve again: responses a
/// purge covers, and responses stale past every window they could still be served in
/// (`stale-while-revalidate`, `stale-if-error`, ``Cache/Options/staleIfUnreachable``) that have no
/// validator to revalidate them with.
///
/// A purge takes effect at once without it — a purged response is never served, and a lookup that finds
/// one removes it — but a purged response nobody asks for again would hold its bytes until the store's
/// budget pushed it out. Every ``Options/interval`` the reaper walks the whole store in slices of
/// ``Options/sliceSize`` keys, pausing ``Options/pauseBetweenSlices`` after each, so that a large store
/// never holds its lock, or the executor, for long.
///
/// The walk starts when the chain is built, through the runtime's spawner, on its clocks; it stops when
/// the server shuts down.
///
/// ```swift
/// let purges = PurgeTable(wallClock: runtime.wallClock)
/// let cache = Cache(store: store, options: .init(purges: purges))
/// server.use(CacheReaper(for: cache))
/// server.use(cache)
/// ```
public struct CacheReaper: Middleware {
    /// When and how much the reaper walks.
    public struct Options: Sendable {
        /// How long from the start of one walk to the start of the next (after the chain is built, for the
        /// first). Default one minute.
        public var interval: Duration
        /// The most keys one slice of a walk looks at. Default 1,000.
        public var sliceSize: Int
        /// The pause after each slice but the last. Default 1 ms.
        public var pauseBetweenSlices: Duration

        /// Creates options.
        public init(
            interval: Duration = .seconds(60), sliceSize: Int = 1_000, pauseBetweenSlices: Duration = .milliseconds(1)
        ) {
            self.interval = interval
            self.sliceSize = sliceSize
            self.pauseBetweenSlices = pauseBetweenSlices
        }
    }

    /// The cache whose store is walked, with its purges and stale windows.
    public let cache: Cache
    /// When and how much the reaper walks.
    public let options: Options

    /// A reaper for `cache`'s store.
    public init(for cache: Cache, options: Options = Options()) {
        self.cache = cache
        self.options = options
    }

    /// Starts the walks; passes every request to `next` untouched.
    public func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        var check = ConfigurationCheck()
        check.positive(options.interval, "interval")
        check.positive(options.sliceSize, "sliceSize")
        check.nonNegative(options.pauseBetweenSlices, "pauseBetweenSlices")
        try check.result()
        let runtime = environment.runtime
        let logger = environment.logger
        environment.runtime.spawner.spawn("cache-reaper") { [self] in
            var start = runtime.clock.now
            while true {
                // A walk that took longer than the interval is followed by a full interval, not at once.
                start = max(start.advanced(by: options.interval), runtime.clock.now)
                do {
                    try await runtime.clock.sleep(until: start)
                } catch {
                    return
                }
                do {
                    let removed = try await walk(on: runtime.clock)
                    logger.debug("cache reaper removed \(removed) responses")
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("cache reaper could not walk the store: \(error)")
                }
            }
        }
        return next
    }

    /// One walk over the whole store, slice by slice; returns how many responses it removed.
    func walk(on clock: any MonotonicClock) async throws -> Int {
        let (store, purges, cacheOptions) = (cache.store, cache.options.purges, cache.options)
        var position: Int? = 0
        var removed = 0
        while let from = position {
            let now = clock.now
            let sweep = try await store.sweep(from: from, limit: options.sliceSize) { key, response in
                purges?.isPurged(response, key: key) == true
                    || Reuse.isSpent(response, windows: StaleWindows(response.control, options: cacheOptions), at: now)
            }
            removed += sweep.removed
            position = sweep.next
            if position != nil { try await clock.sleep(for: options.pauseBetweenSlices) }
        }
        return removed
    }
}
