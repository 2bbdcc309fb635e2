#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import ParapetCore

/// The production ``WallClock``: the system's real-time clock (`CLOCK_REALTIME`).
///
/// ```swift
/// let now = SystemWallClock().now
/// print(now.secondsSinceEpoch)
/// ```
public struct SystemWallClock: WallClock {
    /// Creates the system wall clock.
    public init() {}

    public var now: WallInstant {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return WallInstant(sinceEpoch: .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec)))
    }
}
