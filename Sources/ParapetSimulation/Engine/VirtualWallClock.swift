public import ParapetCore
import Synchronization

/// The simulator's ``WallClock``: civil time that advances with virtual time from a configurable start
/// and can be stepped forwards or backwards to model NTP corrections.
///
/// Stepping moves only the wall clock; the monotonic ``VirtualClock`` and every timer are unaffected.
///
/// ```swift
/// let simulation = Simulation(seed: 1)
/// let wall = simulation.wallClock
/// wall.step(by: .seconds(-2))           // NTP pulls the clock back two seconds
/// wall.set(to: WallInstant(secondsSinceEpoch: 1_800_000_000))
/// ```
public final class VirtualWallClock: WallClock {
    /// 2026-01-01T00:00:00Z, the default start of simulated civil time.
    public static let defaultStart = WallInstant(secondsSinceEpoch: 1_767_225_600)

    /// The monotonic clock whose progress this wall clock follows.
    public let clock: VirtualClock

    /// Wall time minus monotonic time, changed only by stepping.
    private let offset: Mutex<Duration>

    /// Creates a wall clock that reads `start` now and then advances with `clock`.
    ///
    /// ```swift
    /// let wall = VirtualWallClock(clock: VirtualClock(executor: SimulationExecutor()),
    ///                             start: WallInstant(secondsSinceEpoch: 1_700_000_000))
    /// ```
    public init(clock: VirtualClock, start: WallInstant = VirtualWallClock.defaultStart) {
        self.clock = clock
        self.offset = Mutex(start.sinceEpoch - clock.now.offset)
    }

    /// The current simulated civil time.
    public var now: WallInstant {
        let monotonic = clock.now.offset
        return WallInstant(sinceEpoch: monotonic + offset.withLock { $0 })
    }

    /// Jumps civil time by `delta`; a negative delta steps it backwards.
    public func step(by delta: Duration) {
        offset.withLock { $0 += delta }
    }

    /// Sets civil time to `instant`, from which it keeps advancing with virtual time.
    public func set(to instant: WallInstant) {
        let monotonic = clock.now.offset
        offset.withLock { $0 = instant.sinceEpoch - monotonic }
    }
}
