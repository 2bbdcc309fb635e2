public import ParapetCore

/// The production ``MonotonicClock``: the system's continuous clock, which keeps counting while the
/// machine sleeps and never jumps with NTP.
///
/// ```swift
/// let clock = SystemClock()
/// try await clock.sleep(for: .milliseconds(10))
/// ```
public struct SystemClock: MonotonicClock {
    /// The continuous-clock instant all ``MonotonicInstant``s of this process count from.
    private static let origin = ContinuousClock.now

    /// Creates the system clock; every instance shares one origin, so their instants compare.
    public init() {}

    public var now: MonotonicInstant {
        MonotonicInstant(offset: Self.origin.duration(to: .now))
    }

    public var minimumResolution: Duration {
        ContinuousClock().minimumResolution
    }

    public func sleep(until deadline: MonotonicInstant, tolerance: Duration?) async throws {
        try await ContinuousClock().sleep(until: Self.origin.advanced(by: deadline.offset), tolerance: tolerance)
    }
}
