/// Everything measured at the client side of a run, as a value: one entry per request (its arrival, how it
/// ended and its latency), per tick, per time-series bucket and per expectation window.
struct ClientTally: Sendable {
    /// A client-visible status, or a marker for a request still unanswered at the end.
    static let unfinished = -1

    let layout: ReportLayout
    var requests = 0
    var successes = 0
    var unfinished = 0
    var statusCounts = [Int](repeating: 0, count: 600)
    var latency = LatencyHistogram()
    var buckets: [BucketTally]
    var windows: [WindowTally]

    init(layout: ReportLayout) {
        self.layout = layout
        buckets = Array(repeating: BucketTally(), count: layout.bucketCount)
        windows = Array(repeating: WindowTally(), count: layout.windows.count)
    }

    mutating func record(arrival: Int64, finish: Int64, status: Int) {
        requests += 1
        let bucket = layout.bucket(of: arrival)
        buckets[bucket].requests += 1
        let isSuccess = (200..<400).contains(status)
        if status == Self.unfinished {
            unfinished += 1
        } else {
            statusCounts[min(max(status, 0), 599)] += 1
            latency.record(nanoseconds: finish - arrival)
            buckets[bucket].latency.record(nanoseconds: finish - arrival)
        }
        if isSuccess {
            successes += 1
            buckets[bucket].successes += 1
        }
        for index in windows.indices where layout.windows[index].contains(arrival) {
            windows[index].requests += 1
            if isSuccess { windows[index].successes += 1 }
            if status != Self.unfinished { windows[index].latency.record(nanoseconds: finish - arrival) }
        }
    }
}

/// The balancer stack's attempts, as a value: routed or shed (by reason), overall and per all-down window.
struct AttemptTally: Sendable {
    struct Window: Sendable {
        var range: Range<Int64>
        var requests = 0
        var successes = 0
        var attempts = 0
        var shed = 0
        var routed = 0
    }

    var total = 0
    var routed = 0
    var shedByReason = [Int](repeating: 0, count: ShedReasonIndex.names.count)
    var allDown: [Window]

    init(allDownWindows: [Range<Int64>]) {
        allDown = allDownWindows.map { Window(range: $0) }
    }

    var shed: Int { shedByReason.reduce(0, +) }

    mutating func record(at time: Int64, shedReason: Int?) {
        total += 1
        if let shedReason { shedByReason[shedReason] += 1 } else { routed += 1 }
        for index in allDown.indices where allDown[index].range.contains(time) {
            allDown[index].attempts += 1
            if shedReason == nil { allDown[index].routed += 1 } else { allDown[index].shed += 1 }
        }
    }

    mutating func recordRequest(arrival: Int64, isSuccess: Bool) {
        for index in allDown.indices where allDown[index].range.contains(arrival) {
            allDown[index].requests += 1
            if isSuccess { allDown[index].successes += 1 }
        }
    }
}

/// Shed reasons as indices, in a fixed order.
enum ShedReasonIndex {
    static let names = ["empty", "saturated", "all_dark", "all_open"]

    static func index(of rawValue: String) -> Int {
        names.firstIndex(of: rawValue) ?? 0
    }
}
