/// Where a ``Cache`` keeps responses: the stored variants of each URL.
///
/// A store decides nothing about HTTP; it keeps what it is given within its budget and forgets entries
/// when it must. Errors are not fatal to a request: the cache treats a store that fails as a miss.
///
/// ```swift
/// let store = MemoryCacheStore(byteBudget: 256 << 20)
/// server.use(Cache(store: store))
/// ```
public protocol CacheStore: Sendable {
    /// The stored responses for `key`, most recently stored first; reading one counts as a use.
    func responses(for key: String) async throws -> [CachedResponse]

    /// Keeps `response` for `key`, replacing a stored response that answers the same requests.
    func store(_ response: CachedResponse, for key: String) async throws

    /// Forgets every response stored for `key`.
    func removeAll(for key: String) async throws
}
