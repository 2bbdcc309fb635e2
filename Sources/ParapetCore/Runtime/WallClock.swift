/// A point in civil time: the duration since the Unix epoch (1970-01-01T00:00:00Z).
///
/// Used where the outside world speaks in dates: HTTP `Date`/`Expires`, JWT `exp`/`nbf`, purge epochs.
///
/// ```swift
/// let expiry = runtime.wallClock.now.advanced(by: .seconds(3600))
/// ```
public struct WallInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Duration since the Unix epoch; negative before it.
    public var sinceEpoch: Duration

    /// Creates an instant `sinceEpoch` after the Unix epoch.
    public init(sinceEpoch: Duration) {
        self.sinceEpoch = sinceEpoch
    }

    /// Creates an instant a whole number of seconds after the Unix epoch.
    public init(secondsSinceEpoch: Int64) {
        self.sinceEpoch = .seconds(secondsSinceEpoch)
    }

    /// Whole seconds since the epoch, rounded toward negative infinity.
    public var secondsSinceEpoch: Int64 {
        let (seconds, attoseconds) = sinceEpoch.components
        return attoseconds < 0 ? seconds - 1 : seconds
    }

    /// The instant `duration` later.
    public func advanced(by duration: Duration) -> WallInstant {
        WallInstant(sinceEpoch: sinceEpoch + duration)
    }

    public static func < (lhs: WallInstant, rhs: WallInstant) -> Bool {
        lhs.sinceEpoch < rhs.sinceEpoch
    }

    public var description: String { "epoch+\(sinceEpoch)" }
}

/// The wall-clock seam: civil time, which unlike ``MonotonicClock`` may jump (NTP steps, even backwards).
///
/// Code that needs elapsed time must use the monotonic clock; the wall clock is only for dates exchanged
/// with the outside world.
///
/// ```swift
/// struct FixedWallClock: WallClock {
///     var now: WallInstant { WallInstant(secondsSinceEpoch: 1_700_000_000) }
/// }
/// ```
public protocol WallClock: Sendable {
    /// The current civil time.
    var now: WallInstant { get }
}
