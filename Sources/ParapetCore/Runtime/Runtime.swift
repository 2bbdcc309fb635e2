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
    public var clock: any MonotonicClock {
        get { box.facts.clock }
        set { box = SharedFacts(box.facts, changing: \.clock, to: newValue) }
    }
    /// Civil time: HTTP dates, token expiry, purge epochs.
    public var wallClock: any WallClock {
        get { box.facts.wallClock }
        set { box = SharedFacts(box.facts, changing: \.wallClock, to: newValue) }
    }
    /// Random numbers, one stream per component.
    public var random: any RandomSource {
        get { box.facts.random }
        set { box = SharedFacts(box.facts, changing: \.random, to: newValue) }
    }
    /// Background work tied to the server's lifetime.
    public var spawner: any Spawner {
        get { box.facts.spawner }
        set { box = SharedFacts(box.facts, changing: \.spawner, to: newValue) }
    }
    /// Name resolution for upstream hosts.
    public var resolver: any Resolver {
        get { box.facts.resolver }
        set { box = SharedFacts(box.facts, changing: \.resolver, to: newValue) }
    }

    /// The five seams (200 bytes inline), boxed: a runtime is copied into every request's context.
    private var box: SharedFacts<Seams>

    /// Creates a runtime from its five seams.
    public init(
        clock: any MonotonicClock,
        wallClock: any WallClock,
        random: any RandomSource,
        spawner: any Spawner,
        resolver: any Resolver
    ) {
        box = SharedFacts(Seams(clock: clock, wallClock: wallClock, random: random, spawner: spawner, resolver: resolver))
    }
}

extension Runtime {
    private struct Seams: Sendable {
        var clock: any MonotonicClock
        var wallClock: any WallClock
        var random: any RandomSource
        var spawner: any Spawner
        var resolver: any Resolver
    }
}
