import ParapetCore

extension CachingHandler {
    /// The responses stored for `key` that may be served: a store that fails is a miss; a purged
    /// response is dropped and its key removed from the store; while ``PurgeTable/isSuspended``, none.
    func storedResponses(for key: String) async -> [CachedResponse] {
        if options.purges?.isSuspended == true { return [] }
        let stored = (try? await store.responses(for: key)) ?? []
        guard let purges = options.purges else { return stored }
        let live = stored.filter { !purges.isPurged($0, key: key) }
        if live.count < stored.count { try? await store.removeAll(for: key) }
        return live
    }

    /// Stores `response` for `key`, unless a purge covering it landed while it was on its way.
    func keep(_ response: CachedResponse, for key: String) async {
        guard !isPurged(key: key, receivedAt: response.age.receivedAtWallTime, tags: response.tags) else { return }
        try? await store.store(response, for: key)
    }

    /// Whether a response for `key` that arrived at `receivedAt` with `tags` was purged since.
    func isPurged(key: String, receivedAt: WallInstant, tags: [String]) -> Bool {
        options.purges?.isPurged(key: key, receivedAt: receivedAt, tags: tags) ?? false
    }
}
