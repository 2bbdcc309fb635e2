import ParapetCore
/// How a run's measurements are laid out in time: traffic ticks, time-series buckets and the windows the
/// expectations ask about. Times are virtual nanoseconds from the start of the run.
struct ReportLayout: Sendable {
    /// The end of measured time (duration plus drain).
    var end: Int64
    var tickWidth: Int64
    var tickCount: Int
    var bucketWidth: Int64
    var bucketCount: Int
    /// Windows (`[from, to)`) expectations measure exactly.
    var windows: [Range<Int64>]

    init(duration: Duration, drain: Duration, options: ReportOptions, windows: [TimeWindow]) {
        let durationNanos = max(duration.wholeNanoseconds, 1)
        end = durationNanos &+ max(drain.wholeNanoseconds, 0)
        tickWidth = max(options.resolution.wholeNanoseconds, 1_000_000)
        tickCount = Int(min((end + tickWidth - 1) / tickWidth, 20_000_000)) + 1
        bucketCount = min(max(options.buckets, 1), 10_000)
        bucketWidth = max((durationNanos + Int64(bucketCount) - 1) / Int64(bucketCount), 1)
        self.windows = windows.map { window in
            let from = max(window.from.wholeNanoseconds, 0)
            let to = window.to.map { max($0.wholeNanoseconds, from) } ?? .max
            return from..<to
        }
    }

    /// A layout with no time series, for a fleet used outside a scenario run.
    static let untimed = ReportLayout(duration: .seconds(1), drain: .zero, options: ReportOptions(buckets: 1, resolution: .seconds(1)), windows: [])

    @inline(__always)
    func tick(of time: Int64) -> Int {
        min(Int(max(time, 0) / tickWidth), tickCount - 1)
    }

    @inline(__always)
    func bucket(of time: Int64) -> Int {
        min(Int(max(time, 0) / bucketWidth), bucketCount - 1)
    }
}

/// Counts and latencies for one time-series bucket.
struct BucketTally: Sendable {
    var requests = 0
    var successes = 0
    var latency = LatencyHistogram()
}

/// A count of events within one expectation window.
struct WindowTally: Sendable {
    var requests = 0
    var successes = 0
    var latency = LatencyHistogram()
}
