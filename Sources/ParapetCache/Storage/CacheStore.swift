public import HTTPTypes

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
    /// The stored response a request with `requestFields` selects among the variants stored for `key`
    /// (RFC 9111 §4.1); finding one counts as a use.
    func response(for key: String, selectedBy requestFields: HTTPFields) async throws -> CacheLookup

    /// Keeps `response` for `key`, replacing a stored response that answers the same requests.
    func store(_ response: CachedResponse, for key: String) async throws

    /// Forgets every response stored for `key`.
    func removeAll(for key: String) async throws

    /// One slice of a walk over the whole store, for a reaper: looks at the responses of at most `limit`
    /// keys from `position` on (start at 0) and forgets each one `isDead` picks, without counting a use.
    ///
    /// `isDead` judges a response by its head, age, variant and tags; a store that keeps bodies elsewhere
    /// may hand it a response with an empty body. Keys stored during a walk may be missed until the next.
    func sweep(
        from position: Int, limit: Int, removing isDead: @Sendable (String, CachedResponse) -> Bool
    ) async throws -> CacheSweep
}

/// What a ``CacheStore`` holds for one request.
public enum CacheLookup: Sendable {
    /// Nothing is stored for the URL.
    case none
    /// Responses are stored for the URL, but for other values of the fields their `Vary` names.
    case otherVariants
    /// The response the request selects.
    case found(CachedResponse)

    /// The lookup of a store's selection.
    package init(_ selection: (entry: CachedResponse?, keyIsStored: Bool)) {
        self = selection.entry.map(CacheLookup.found) ?? (selection.keyIsStored ? .otherVariants : .none)
    }

    /// The response found, if any.
    var response: CachedResponse? {
        if case .found(let response) = self { return response }
        return nil
    }
}

/// What one slice of a walk over a ``CacheStore`` did.
public struct CacheSweep: Sendable, Hashable {
    /// The responses forgotten.
    public var removed: Int
    /// Where the next slice starts; `nil` when the walk has reached the end.
    public var next: Int?

    /// Creates a result.
    public init(removed: Int, next: Int?) {
        self.removed = removed
        self.next = next
    }
}
