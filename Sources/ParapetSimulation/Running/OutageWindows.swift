/// Interval arithmetic for all-down windows: when is every target out at once?
enum OutageWindows {
    /// The spans (virtual nanoseconds, half-open, sorted) during which every target fails every request, up
    /// to `end`.
    static func allDown(targets: [Scenario.Target], timeline: [Scenario.TimelineEvent], end: Int64) -> [Range<Int64>] {
        var common: [Range<Int64>]?
        for target in targets {
            let segments = SimulatedBackend.StateMachine.segments(of: target, timeline: timeline)
            let out = merged(SimulatedBackend.StateMachine.outIntervals(of: segments, until: end))
            common = common.map { intersection($0, out) } ?? out
            if common?.isEmpty == true { return [] }
        }
        return common ?? []
    }

    /// Sorts and merges overlapping or touching intervals.
    static func merged(_ intervals: [Range<Int64>]) -> [Range<Int64>] {
        var result: [Range<Int64>] = []
        for interval in intervals.sorted(by: { ($0.lowerBound, $0.upperBound) < ($1.lowerBound, $1.upperBound) })
        where !interval.isEmpty {
            if let last = result.last, interval.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, interval.upperBound)
            } else {
                result.append(interval)
            }
        }
        return result
    }

    /// The intersection of two sorted, merged interval lists.
    static func intersection(_ left: [Range<Int64>], _ right: [Range<Int64>]) -> [Range<Int64>] {
        var result: [Range<Int64>] = []
        var (i, j) = (0, 0)
        while i < left.count && j < right.count {
            let lower = max(left[i].lowerBound, right[j].lowerBound)
            let upper = min(left[i].upperBound, right[j].upperBound)
            if lower < upper { result.append(lower..<upper) }
            if left[i].upperBound < right[j].upperBound { i += 1 } else { j += 1 }
        }
        return result
    }
}
