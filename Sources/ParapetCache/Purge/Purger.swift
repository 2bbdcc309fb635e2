public import ParapetCore

/// Something that carries out purges: a ``PurgeTable`` on its own, or one that also tells the other
/// instances sharing its origin (`RedisPurgeFanOut` in `ParapetRedis`). ``PurgeEndpoint`` purges
/// through one.
public protocol Purger: Sendable {
    /// Purges `scope`, returning the epoch stamped locally; throws when the purge could not be carried
    /// out everywhere it should.
    func purge(_ scope: PurgeScope) async throws -> WallInstant
}
