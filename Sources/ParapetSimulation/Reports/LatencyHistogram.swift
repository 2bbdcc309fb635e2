import ParapetCore
/// A fixed-size log-linear latency histogram (HdrHistogram-style): exact below 128 µs, then 64 buckets per
/// power of two (each 1.6 % wide, so a percentile is within 0.8 %) up to about 38 hours. Recording is O(1) and allocation-free once
/// the first value is in; memory is 16 KiB whatever the number of samples.
///
/// ```swift
/// var histogram = LatencyHistogram()
/// histogram.record(.milliseconds(12))
/// let p99 = histogram.percentile(99)
/// ```
public struct LatencyHistogram: Sendable, Hashable {
    static let linearBuckets = 128
    static let subBuckets = 64
    static let maximumExponent = 36  // 2^37 µs ≈ 38 h
    static let bucketCount = linearBuckets + (maximumExponent - 6) * subBuckets

    private var counts: [Int] = []
    /// How many values were recorded.
    public private(set) var count = 0
    private var sumMicroseconds = 0
    private var maximumMicroseconds = 0
    private var minimumMicroseconds = Int.max

    /// Creates an empty histogram.
    public init() {}

    /// Records one latency (negative values count as zero).
    public mutating func record(_ latency: Duration) {
        record(nanoseconds: latency.wholeNanoseconds)
    }

    /// Records one latency given in nanoseconds.
    mutating func record(nanoseconds: Int64) {
        let micros = Int(max(nanoseconds, 0) / 1_000)
        if counts.isEmpty { counts = Array(repeating: 0, count: Self.bucketCount) }
        counts[Self.index(of: micros)] += 1
        count += 1
        sumMicroseconds &+= micros
        if micros > maximumMicroseconds { maximumMicroseconds = micros }
        if micros < minimumMicroseconds { minimumMicroseconds = micros }
    }

    /// Adds every value of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        if counts.isEmpty { counts = Array(repeating: 0, count: Self.bucketCount) }
        for index in other.counts.indices where other.counts[index] != 0 {
            counts[index] += other.counts[index]
        }
        count += other.count
        sumMicroseconds &+= other.sumMicroseconds
        maximumMicroseconds = max(maximumMicroseconds, other.maximumMicroseconds)
        minimumMicroseconds = min(minimumMicroseconds, other.minimumMicroseconds)
    }

    /// The smallest recorded value `v` such that at least `percentile` % of values are `≤ v` (nearest rank),
    /// to the bucket's precision (the bucket's midpoint, clamped to the smallest and largest values recorded, so
    /// a constant latency reads exactly); zero when empty.
    public func percentile(_ percentile: Double) -> Duration {
        guard count > 0 else { return .zero }
        let clamped = min(max(percentile, 0), 100)
        let rank = max(1, Int((clamped / 100 * Double(count)).rounded(.up)))
        var seen = 0
        for index in counts.indices {
            seen += counts[index]
            if seen >= rank {
                return .microseconds(min(max(Self.representative(of: index), minimumMicroseconds), maximumMicroseconds))
            }
        }
        return .microseconds(maximumMicroseconds)
    }

    /// The largest recorded value (exact to the microsecond).
    public var maximum: Duration { .microseconds(maximumMicroseconds) }

    /// The smallest recorded value (exact to the microsecond); zero when empty.
    public var minimum: Duration { count == 0 ? .zero : .microseconds(minimumMicroseconds) }

    /// The mean (exact to the microsecond); zero when empty.
    public var mean: Duration {
        count == 0 ? .zero : .microseconds(sumMicroseconds / count)
    }

    static func index(of micros: Int) -> Int {
        if micros < linearBuckets { return micros }
        let exponent = Int.bitWidth - 1 - micros.leadingZeroBitCount  // ≥ 7
        guard exponent <= maximumExponent else { return bucketCount - 1 }
        let shift = exponent - 6
        let sub = (micros >> shift) - subBuckets  // 0..<64
        return linearBuckets + (exponent - 7) * subBuckets + sub
    }

    /// The midpoint of a bucket, in microseconds.
    static func representative(of index: Int) -> Int {
        if index < linearBuckets { return index }
        let offset = index - linearBuckets
        let exponent = offset / subBuckets + 7
        let shift = exponent - 6
        let lower = (offset % subBuckets + subBuckets) << shift
        return lower + ((1 << shift) - 1) / 2
    }
}
