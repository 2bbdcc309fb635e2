import ParapetCore
/// What one simulated backend saw during a stack's run. "Requests" are attempts that reached it from the
/// proxy (a retried or hedged client request may reach several); health-check probes are counted apart.
///
/// ```swift
/// let b = report.stack("breaker").target("b")
/// #expect(b.requests(during: TimeWindow(from: .seconds(35), to: .seconds(60))) == 0)
/// #expect(b.requestsWhileOpen == 0)
/// ```
public struct TargetReport: Sendable, Hashable, Codable {
    /// The target's name.
    public var name: String
    /// Attempts received.
    public var requests: Int
    /// Attempts answered 2xx/3xx.
    public var successes: Int
    /// `successes` over the attempts that ended (cancelled ones — hedging losers, deadlines — excluded); `nil`
    /// when none ended.
    public var successRatio: Double?
    /// Outcomes by status code, then `refused`, `reset`, `timeout`, `cancelled`.
    public var statuses: [StatusCount]
    /// Latency of the attempts that ended (answered, refused, reset or timed out).
    public var latency: LatencySummary
    /// The most attempts in flight at once.
    public var peakInFlight: Int
    /// Attempts received while a balancer or the health check had the target open (a tripped circuit, an
    /// unexpired ejection, a health-check down mark).
    public var requestsWhileOpen: Int
    /// Health-check probes received.
    public var probes: Int
    /// Probes that failed (not 2xx/3xx).
    public var failedProbes: Int

    /// Attempts per tick of ``ReportOptions/resolution`` (not part of the JSON).
    var ticks: [UInt32] = []
    /// The tick width.
    var tickWidth: Duration = .zero

    private enum CodingKeys: String, CodingKey {
        case name, requests, successes, successRatio, statuses, latency, peakInFlight, requestsWhileOpen, probes, failedProbes
    }

    init(name: String, tally: TargetTally) {
        self.name = name
        requests = tally.attempts
        successes = tally.successes
        let ended = tally.attempts - tally.cancelled - tally.inFlight
        successRatio = ended <= 0 ? nil : Double(tally.successes) / Double(ended)
        var statuses = StatusCount.list(tally.statusCounts)
        for (label, count) in [("refused", tally.refused), ("reset", tally.resets), ("timeout", tally.timedOut), ("cancelled", tally.cancelled)]
        where count > 0 {
            statuses.append(StatusCount(status: label, count: count))
        }
        self.statuses = statuses
        latency = LatencySummary(tally.latency)
        peakInFlight = tally.peakInFlight
        requestsWhileOpen = tally.attemptsWhileOpen
        probes = tally.probes
        failedProbes = tally.failedProbes
        ticks = tally.ticks
        tickWidth = .nanoseconds(tally.layout.tickWidth)
    }

    /// Attempts that arrived during `window`, counted per tick of ``ReportOptions/resolution``: a tick that
    /// overlaps the window counts whole, so the count can only err upwards (safe for "no traffic" checks;
    /// use a `noTraffic` expectation for an exact count). Empty for a report decoded from JSON.
    public func requests(during window: TimeWindow) -> Int {
        let width = tickWidth.wholeNanoseconds
        guard width > 0, !ticks.isEmpty else { return 0 }
        let first = Int(max(window.from.wholeNanoseconds, 0) / width)
        let last = window.to.map { Int((max($0.wholeNanoseconds, 1) - 1) / width) } ?? ticks.count - 1
        guard first < ticks.count, first <= last else { return 0 }
        return ticks[first...min(last, ticks.count - 1)].reduce(0) { $0 + Int($1) }
    }
}
