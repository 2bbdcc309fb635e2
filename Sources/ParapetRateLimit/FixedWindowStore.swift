/// Where a ``SharedFixedWindowCounter`` keeps its counts: a store that every proxy sharing a limit
/// reaches, such as Redis (`RedisFixedWindowStore` in `ParapetRedis`) or the simulator's `SimulatedRedis`.
///
/// The store does one thing per request, atomically: add one to the count under a key, giving a key it
/// did not have an expiry, and report the count with the time the key has left. The counter makes every
/// decision from that answer, so a store of your own needs no more than this:
///
/// ```swift
/// final class InMemoryStore: FixedWindowStore {
///     let counts = Mutex<[String: Int]>([:])
///     func increment(_ key: String, expiringNewKeyAfter milliseconds: Int64) async throws
///         -> (count: Int, timeToLive: Int64)
///     {
///         let count = counts.withLock { counts in
///             counts[key, default: 0] += 1
///             return counts[key, default: 0]
///         }
///         return (count, milliseconds)  // keys never expire here: an illustration, not a store
///     }
/// }
/// ```
///
/// A store bounds its own calls: the counter waits as long as ``increment(_:expiringNewKeyAfter:)`` takes,
/// and treats any error as the store failing (see ``SharedFixedWindowCounter/FailureMode``).
public protocol FixedWindowStore: Sendable {
    /// Adds one to the count under `key`; a key the store did not hold starts at one and expires after
    /// `milliseconds`, while an existing key keeps its expiry.
    ///
    /// - Returns: the count after this increment, and the key's remaining time to live in milliseconds.
    /// - Throws: when the store cannot answer, including when it does not answer in time.
    func increment(_ key: String, expiringNewKeyAfter milliseconds: Int64) async throws
        -> (count: Int, timeToLive: Int64)
}
