/// A stack's run cut into equal time buckets (by request arrival), for charts: per bucket the client
/// requests, success ratio and latency percentiles, and each target's share of the attempts with its own
/// percentiles.
///
/// ```swift
/// for bucket in report.stack("breaker").timeSeries.buckets {
///     let shareOfB = bucket.targets.first { $0.name == "b" }?.share ?? 0
///     print(bucket.start, bucket.successRatio ?? 1, shareOfB)
/// }
/// ```
public struct TimeSeries: Sendable, Hashable, Codable {
    /// Each bucket's width.
    @Milliseconds public var bucketWidth: Duration
    /// The buckets, in time order (the last one also holds the drain).
    public var buckets: [TimeBucket]

    /// Creates a series.
    public init(bucketWidth: Duration, buckets: [TimeBucket]) {
        self.bucketWidth = bucketWidth
        self.buckets = buckets
    }
}

/// One bucket of a ``TimeSeries``.
///
/// ```swift
/// let worst = series.buckets.min { ($0.successRatio ?? 1) < ($1.successRatio ?? 1) }
/// ```
public struct TimeBucket: Sendable, Hashable, Codable {
    /// The bucket's start, from the start of the run.
    @Milliseconds public var start: Duration
    /// Client requests that arrived in the bucket.
    public var requests: Int
    /// Of which answered 2xx/3xx.
    public var successes: Int
    /// `successes / requests`; `nil` without requests.
    public var successRatio: Double?
    /// Client latency median.
    @Milliseconds public var p50: Duration
    /// Client latency 90th percentile.
    @Milliseconds public var p90: Duration
    /// Client latency 99th percentile.
    @Milliseconds public var p99: Duration
    /// Per target, in target order.
    public var targets: [TargetBucket]
}

/// One target's part of a ``TimeBucket``.
///
/// ```swift
/// let share = bucket.targets[0].share
/// ```
public struct TargetBucket: Sendable, Hashable, Codable {
    /// The target's name.
    public var name: String
    /// Attempts that reached it.
    public var requests: Int
    /// Its share of all attempts in the bucket (0 when there were none).
    public var share: Double
    /// Of which answered 2xx/3xx.
    public var successes: Int
    /// Attempt latency median.
    @Milliseconds public var p50: Duration
    /// Attempt latency 99th percentile.
    @Milliseconds public var p99: Duration
}
