import ParapetCore

/// Where an instant falls in a series of fixed windows aligned to the Unix epoch, at millisecond
/// resolution: window `index` covers `[index × size, (index + 1) × size)` milliseconds since the epoch.
struct FixedWindowPosition: Hashable {
    /// The window's number: milliseconds since the epoch divided by the window's size, rounded down.
    let index: Int64
    /// Whole milliseconds from the instant to the end of its window: at least 1, at most the size.
    let remainingMilliseconds: Int64

    /// Locates `instant` among windows of size `window`, rounded up to whole milliseconds; a window
    /// that is not positive counts as one second.
    init(at instant: WallInstant, window: Duration) {
        let size = window > .zero ? max(1, window.millisecondsRoundedUp) : 1000
        let now = instant.sinceEpoch.millisecondsRoundedDown
        let remainder = now % size
        let offset = remainder < 0 ? remainder + size : remainder
        self.index = now / size - (remainder < 0 ? 1 : 0)
        self.remainingMilliseconds = size - offset
    }

    /// The time from the instant to the end of its window.
    var remaining: Duration { .milliseconds(remainingMilliseconds) }
}

extension Duration {
    /// Whole milliseconds, rounded toward negative infinity and clamped to `Int64`.
    var millisecondsRoundedDown: Int64 {
        let (seconds, attoseconds) = components
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let fraction = attoseconds / 1_000_000_000_000_000
        let roundedFraction = attoseconds < 0 && attoseconds % 1_000_000_000_000_000 != 0 ? fraction - 1 : fraction
        let (total, overflowed) = milliseconds.addingReportingOverflow(roundedFraction)
        return overflowed ? (seconds < 0 ? .min : .max) : total
    }

    /// Whole milliseconds, rounded toward positive infinity and clamped to `Int64`.
    var millisecondsRoundedUp: Int64 {
        let down = millisecondsRoundedDown
        guard down < .max, Duration.milliseconds(down) < self else { return down }
        return down + 1
    }
}
