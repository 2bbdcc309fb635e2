/// Every source of nondeterminism, injected as one value.
///
/// Code above the NIO backend reads time, draws randomness, starts background work and resolves names
/// only through a runtime; it reaches other machines through seams of their own kind (a `Transport` for
/// upstreams, a `FixedWindowStore` for shared rate limits), whose production versions own the sockets.
/// Production builds one with `Runtime.system` (from `ParapetNIO`); the simulator builds one whose every
/// seam is virtual and seeded, so the same seed replays the same run.
///
/// ```swift
/// let runtime = Runtime(clock: clock, wallClock: wallClock, random: random,
///                       spawner: spawner, resolver: resolver)
/// let deadline = runtime.clock.now.advanced(by: .seconds(30))
/// ```
public struct Runtime: Sendable {
    /// Elapsed time: timeouts, windows, ejection periods, TTLs.
    public var clock: any MonotonicClock
    /// Civil time: HTTP dates, token expiry, purge epochs.
    public var wallClock: any WallClock
    /// Random numbers, one stream per component.
    public var random: any RandomSource
    /// Background work tied to the server's lifetime.
    public var spawner: any Spawner
    /// Name resolution for upstream hosts.
    public var resolver: any Resolver

    /// Creates a runtime from its five seams.
    public init(
        clock: any MonotonicClock,
        wallClock: any WallClock,
        random: any RandomSource,
        spawner: any Spawner,
        resolver: any Resolver
    ) {
        self.clock = clock
        self.wallClock = wallClock
        self.random = random
        self.spawner = spawner
        self.resolver = resolver
    }
}
