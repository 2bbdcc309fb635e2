
/// One stack's run: its report, plus the exact window measurements expectations need.
struct StackRun: Sendable {
    var report: StackReport
    /// Client measurements per expectation window (aligned with the layout's windows).
    var clientWindows: [WindowTally]
    /// Per target, attempts per expectation window.
    var targetWindows: [[Int]]
    /// Backend attempts per expectation window, all targets together.
    var backendWindows: [Int]
    var allDown: [AttemptTally.Window]

    init(stack: Scenario.Stack, scenario: Scenario, measured: Measured, layout: ReportLayout, statistics: SimulationStatistics) {
        let client = measured.recorder.client
        let attempts = measured.recorder.attempts
        var statuses = StatusCount.list(client.statusCounts)
        if client.unfinished > 0 { statuses.append(StatusCount(status: "unfinished", count: client.unfinished)) }
        let targets = zip(scenario.targets, measured.targets).map { TargetReport(name: $0.name, tally: $1) }
        var trace: RequestTrace?
        if let entries = measured.recorder.trace {
            trace = RequestTrace(entries: entries.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element))
        }
        report = StackReport(
            name: stack.name,
            composition: StackBuilder.composition(of: stack, purges: scenario.purgesCache(of: stack)),
            requests: client.requests,
            successes: client.successes,
            successRatio: client.requests == 0 ? nil : Double(client.successes) / Double(client.requests),
            unfinished: client.unfinished,
            statuses: statuses,
            latency: LatencySummary(client.latency),
            attempts: AttemptSummary(
                total: attempts.total, routed: attempts.routed, shed: attempts.shed,
                shedReasons: zip(ShedReasonIndex.names, attempts.shedByReason).filter { $0.1 > 0 }
                    .map { StatusCount(status: $0.0, count: $0.1) }),
            targets: targets,
            transitions: measured.recorder.transitions,
            transitionsDropped: measured.recorder.transitionsDropped,
            allDownWindows: attempts.allDown.map { window in
                AllDownWindow(
                    from: .nanoseconds(window.range.lowerBound), to: .nanoseconds(window.range.upperBound),
                    requests: window.requests, successes: window.successes, attempts: window.attempts, shed: window.shed,
                    routed: window.routed)
            },
            timeSeries: Self.timeSeries(client: client, targets: measured.targets, names: scenario.targets.map(\.name), layout: layout),
            simulatedEvents: statistics.eventsProcessed,
            virtualTime: .nanoseconds(measured.ended),
            rateLimit: Self.rateLimitReport(stack.rateLimit, tally: measured.recorder.rateLimit, redis: measured.redis),
            cache: Self.cacheReport(stack.cache, tally: measured.recorder.cache),
            trace: trace)
        clientWindows = client.windows
        targetWindows = measured.targets.map(\.windows)
        backendWindows = layout.windows.indices.map { index in measured.targets.reduce(0) { $0 + $1.windows[index] } }
        allDown = attempts.allDown
    }

    private static func rateLimitReport(
        _ rateLimit: Scenario.RateLimit?, tally: RateLimitTally?, redis: SimulatedRedis.Tally?
    ) -> RateLimitReport? {
        guard let rateLimit, let tally, let redis else { return nil }
        return RateLimitReport(
            limit: rateLimit.limit, window: rateLimit.per, failureMode: rateLimit.failureMode.name, limited: tally.limited,
            storeFailures: tally.storeFailures, redis: RateLimitReport.RedisCalls(redis),
            outages: tally.outages.map { window in
                RedisOutageWindow(
                    state: window.state.name, from: .nanoseconds(window.range.lowerBound),
                    to: .nanoseconds(window.range.upperBound), requests: window.requests, successes: window.successes,
                    limited: window.limited, storeFailures: window.storeFailures)
            })
    }

    private static func cacheReport(_ cache: Scenario.Cache?, tally: CacheTally?) -> CacheReport? {
        guard let cache, let tally else { return nil }
        return CacheReport(byteBudget: cache.byteBudget, tally: tally)
    }

    private static func timeSeries(client: ClientTally, targets: [TargetTally], names: [String], layout: ReportLayout) -> TimeSeries {
        let buckets = (0..<layout.bucketCount).map { index -> TimeBucket in
            let bucket = client.buckets[index]
            let attempts = targets.reduce(0) { $0 + $1.buckets[index].requests }
            return TimeBucket(
                start: .nanoseconds(Int64(index) * layout.bucketWidth),
                requests: bucket.requests,
                successes: bucket.successes,
                successRatio: bucket.requests == 0 ? nil : Double(bucket.successes) / Double(bucket.requests),
                p50: bucket.latency.percentile(50),
                p90: bucket.latency.percentile(90),
                p99: bucket.latency.percentile(99),
                targets: zip(names, targets).map { name, tally in
                    let target = tally.buckets[index]
                    return TargetBucket(
                        name: name, requests: target.requests,
                        share: attempts == 0 ? 0 : Double(target.requests) / Double(attempts),
                        successes: target.successes, p50: target.latency.percentile(50), p99: target.latency.percentile(99))
                })
        }
        return TimeSeries(bucketWidth: .nanoseconds(layout.bucketWidth), buckets: buckets)
    }
}
