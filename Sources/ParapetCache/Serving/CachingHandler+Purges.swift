import HTTPTypes
import ParapetCore

extension CachingHandler {
    /// The stored response a request with `requestFields` selects for `key`, if it may be served: a store
    /// that fails is a miss; a purged response is a miss and its key is removed from the store; while
    /// ``PurgeTable/isSuspended``, everything is a miss.
    func storedLookup(for key: String, selectedBy requestFields: HTTPFields) async -> CacheLookup {
        if options.purges?.isSuspended == true { return .none }
        let lookup = (try? await store.response(for: key, selectedBy: requestFields)) ?? .none
        guard let purges = options.purges, let response = lookup.response, purges.isPurged(response, key: key) else {
            return lookup
        }
        try? await store.removeAll(for: key)
        return .none
    }

    /// Stores `response`, asked of the origin at `sent`, for `key` — unless a purge covering it landed
    /// since it was asked for: the origin may have made it from what the purge replaced, even if it
    /// arrived after the purge.
    func keep(_ response: CachedResponse, for key: String, askedAt sent: MonotonicInstant) async {
        guard !isPurged(key: key, receivedAt: wallTime(of: sent), tags: response.tags) else { return }
        try? await store.store(response, for: key)
    }

    /// The wall-clock time of `instant`, a moment ago on the monotonic clock.
    func wallTime(of instant: MonotonicInstant) -> WallInstant {
        runtime.wallClock.now.advanced(by: instant - runtime.clock.now)
    }

    /// Whether a response for `key` that arrived at `receivedAt` with `tags` was purged since.
    func isPurged(key: String, receivedAt: WallInstant, tags: [String]) -> Bool {
        options.purges?.isPurged(key: key, receivedAt: receivedAt, tags: tags) ?? false
    }
}
