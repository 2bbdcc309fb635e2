/// Latency percentiles of a set of requests (to the histogram's 0.8 % precision; max and mean exact to the
/// microsecond).
///
/// ```swift
/// let latency = report.stack("hedged").latency
/// #expect(latency.p99 < .milliseconds(120))
/// ```
public struct LatencySummary: Sendable, Hashable, Codable {
    /// How many latencies were measured.
    public var count: Int
    /// The median.
    @Milliseconds public var p50: Duration
    /// The 90th percentile.
    @Milliseconds public var p90: Duration
    /// The 99th percentile.
    @Milliseconds public var p99: Duration
    /// The 99.9th percentile.
    @Milliseconds public var p999: Duration
    /// The largest.
    @Milliseconds public var max: Duration
    /// The mean.
    @Milliseconds public var mean: Duration

    /// Summarises a histogram.
    public init(_ histogram: LatencyHistogram) {
        count = histogram.count
        p50 = histogram.percentile(50)
        p90 = histogram.percentile(90)
        p99 = histogram.percentile(99)
        p999 = histogram.percentile(99.9)
        max = histogram.maximum
        mean = histogram.mean
    }

    /// A percentile by number, from the summary's four (50, 90, 99, 99.9); `nil` for another.
    public func percentile(_ percentile: Double) -> Duration? {
        switch percentile {
        case 50: p50
        case 90: p90
        case 99: p99
        case 99.9: p999
        default: nil
        }
    }
}
