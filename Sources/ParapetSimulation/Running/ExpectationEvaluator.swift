import ParapetCore
/// Checks a scenario's expectations against its stacks' runs.
enum ExpectationEvaluator {
    static func evaluate(_ scenario: Scenario, runs: [StackRun], windows: [TimeWindow]) -> [ExpectationResult] {
        scenario.expectations.enumerated().map { index, expectation in
            let (passed, message) = check(expectation, scenario: scenario, runs: runs, windows: windows)
            return ExpectationResult(index: index, expectation: expectation.text, passed: passed, message: message)
        }
    }

    private static func run(_ name: String?, in runs: [StackRun]) -> StackRun? {
        guard let name else { return runs.first }
        return runs.first { $0.report.name == name }
    }

    /// Client requests, successes and latency in `window` for `run`.
    private static func client(_ run: StackRun, _ window: TimeWindow, windows: [TimeWindow]) -> (Int, Int, LatencySource) {
        if window.isWhole { return (run.report.requests, run.report.successes, .summary(run.report.latency)) }
        guard let index = windows.firstIndex(of: window) else { return (0, 0, .histogram(LatencyHistogram())) }
        let tally = run.clientWindows[index]
        return (tally.requests, tally.successes, .histogram(tally.latency))
    }

    private enum LatencySource {
        case summary(LatencySummary)
        case histogram(LatencyHistogram)

        func percentile(_ value: Double) -> Duration {
            switch self {
            case .summary(let summary): summary.percentile(value) ?? .zero
            case .histogram(let histogram): histogram.percentile(value)
            }
        }
    }

    private static func backendAttempts(_ run: StackRun, _ window: TimeWindow, windows: [TimeWindow]) -> Int {
        if window.isWhole { return run.report.targets.reduce(0) { $0 + $1.requests } }
        guard let index = windows.firstIndex(of: window) else { return 0 }
        return run.backendWindows[index]
    }

    private static func check(
        _ expectation: Scenario.Expectation, scenario: Scenario, runs: [StackRun], windows: [TimeWindow]
    ) -> (Bool, String) {
        guard let subject = run(expectation.stack, in: runs) else {
            return (false, "no stack \"\(expectation.stack ?? "")\" ran")
        }
        let name = subject.report.name
        switch expectation {
        case .successRatio(let atLeast, let window, _):
            let (requests, successes, _) = client(subject, window, windows: windows)
            guard requests > 0 else { return (false, "\(name): no requests arrived in \(window)") }
            let ratio = Double(successes) / Double(requests)
            let passed = ratio >= atLeast
            return (passed, "\(name): success ratio \(DecimalText.percent(ratio)) (\(successes)/\(requests)) in \(window) "
                + (passed ? "≥" : "is below") + " \(DecimalText.percent(atLeast))")

        case .latency(let percentile, let atMost, let window, _):
            let (requests, _, latency) = client(subject, window, windows: windows)
            guard requests > 0 else { return (false, "\(name): no requests arrived in \(window)") }
            let measured = latency.percentile(percentile)
            let passed = measured <= atMost
            return (passed, "\(name): p\(Self.number(percentile)) latency \(DecimalText.milliseconds(measured)) in \(window) "
                + (passed ? "≤" : "exceeds") + " \(DecimalText.milliseconds(atMost))")

        case .noTraffic(let target, let window, _):
            guard let index = scenario.targets.firstIndex(where: { $0.name == target }) else {
                return (false, "\(name): no target \"\(target)\"")
            }
            let count: Int
            if window.isWhole {
                count = subject.report.targets[index].requests
            } else if let slot = windows.firstIndex(of: window) {
                count = subject.targetWindows[index][slot]
            } else {
                count = 0
            }
            return (count == 0, "\(name): target \(target) got \(count) request(s) in \(window)" + (count == 0 ? "" : ", expected none"))

        case .noTrafficWhileOpen(let target, _):
            let considered = subject.report.targets.filter { target == nil || $0.name == target }
            let offenders = considered.filter { $0.requestsWhileOpen > 0 }
            if offenders.isEmpty {
                let who = target.map { "target \($0)" } ?? "no target"
                return (true, "\(name): \(who) got no request while reported open")
            }
            return (false, "\(name): " + offenders.map { "target \($0.name) got \($0.requestsWhileOpen) request(s) while reported open" }
                .joined(separator: "; "))

        case .allDown(let policy, let atLeast, _):
            let attempts = subject.allDown.reduce(0) { $0 + $1.attempts }
            guard !subject.allDown.isEmpty else { return (false, "\(name): every target was never out at once") }
            guard attempts > 0 else { return (false, "\(name): no attempts while every target was out") }
            let shed = subject.allDown.reduce(0) { $0 + $1.shed }
            let routed = attempts - shed
            switch policy {
            case .shed:
                let threshold = atLeast ?? 0.9
                let ratio = Double(shed) / Double(attempts)
                let passed = ratio >= threshold
                return (passed, "\(name): shed \(DecimalText.percent(ratio)) of \(attempts) attempts while every target was out "
                    + (passed ? "≥" : "is below") + " \(DecimalText.percent(threshold))")
            case .failOpen:
                let threshold = atLeast ?? 1
                let ratio = Double(routed) / Double(attempts)
                let passed = ratio >= threshold
                return (passed, "\(name): routed \(DecimalText.percent(ratio)) of \(attempts) attempts while every target was out "
                    + (passed ? "≥" : "is below") + " \(DecimalText.percent(threshold))")
            }

        case .maxInFlight(let atMost, let target, _):
            let considered = subject.report.targets.filter { target == nil || $0.name == target }
            let peak = considered.max { $0.peakInFlight < $1.peakInFlight }
            let value = peak?.peakInFlight ?? 0
            let passed = value <= atMost
            return (passed, "\(name): peak in flight \(value)" + (peak.map { " (target \($0.name))" } ?? "")
                + (passed ? " ≤ " : " exceeds ") + "\(atMost)")

        case .cacheCount(let count, let atLeast, let atMost, _):
            guard let cache = subject.report.cache else { return (false, "\(name): has no cache") }
            return bounded(cache.count(count), atLeast: atLeast, atMost: atMost, what: "\(name): \(count.rawValue)")

        case .cacheMemory(let measure, let at, let atLeast, let atMost, _):
            guard let purging = subject.report.cache?.purging else { return (false, "\(name): its store was not sampled") }
            guard let sample = purging.memory(at: at) else {
                return (false, "\(name): no sample of its store at \(DurationText.format(at))")
            }
            let when = sample.at == at ? "" : " (the run ended at \(DecimalText.seconds(sample.at)))"
            return bounded(
                sample.value(measure), atLeast: atLeast, atMost: atMost,
                what: "\(name): \(measure.rawValue) at \(DurationText.format(at))\(when)")

        case .better(_, let than, let metric, let by, let window):
            guard let baseline = run(than, in: runs) else { return (false, "no stack \"\(than)\" ran") }
            switch metric {
            case .successRatio:
                let (requests, successes, _) = client(subject, window, windows: windows)
                let (baseRequests, baseSuccesses, _) = client(baseline, window, windows: windows)
                guard requests > 0, baseRequests > 0 else { return (false, "no requests arrived in \(window)") }
                let mine = Double(successes) / Double(requests)
                let theirs = Double(baseSuccesses) / Double(baseRequests)
                let margin = mine - theirs
                let passed = margin > 0 && margin >= by
                return (passed, "success ratio in \(window): \(name) \(DecimalText.percent(mine)) vs \(than) \(DecimalText.percent(theirs)), "
                    + "better by \(DecimalText.fixed(margin * 100, places: 2)) points" + (passed ? " ≥ " : ", needs ") + "\(DecimalText.fixed(by * 100, places: 2))")
            case .backendAttempts:
                let mine = backendAttempts(subject, window, windows: windows)
                let theirs = backendAttempts(baseline, window, windows: windows)
                return relative(Double(mine), Double(theirs), by: by, what: "backend attempts in \(window)", name: name, than: than) { String(Int($0)) }
            case .p50, .p90, .p99, .p999:
                let percentile = metric == .p50 ? 50.0 : metric == .p90 ? 90 : metric == .p99 ? 99 : 99.9
                let (requests, _, latency) = client(subject, window, windows: windows)
                let (baseRequests, _, baseLatency) = client(baseline, window, windows: windows)
                guard requests > 0, baseRequests > 0 else { return (false, "no requests arrived in \(window)") }
                return relative(
                    latency.percentile(percentile).inMilliseconds, baseLatency.percentile(percentile).inMilliseconds, by: by,
                    what: "\(metric.rawValue) latency in \(window)", name: name, than: than
                ) { DecimalText.fixed($0, places: 3) + "ms" }
            }
        }
    }

    /// `value` against the bounds given: `cached: cacheHits 12 ≥ 10 and exceeds 11`.
    private static func bounded(_ value: Int, atLeast: Int?, atMost: Int?, what: String) -> (Bool, String) {
        var bounds: [String] = []
        if let atLeast { bounds.append((value >= atLeast ? "≥ " : "is below ") + "\(atLeast)") }
        if let atMost { bounds.append((value <= atMost ? "≤ " : "exceeds ") + "\(atMost)") }
        let passed = value >= (atLeast ?? value) && value <= (atMost ?? value)
        return (passed, "\(what) \(value) " + bounds.joined(separator: " and "))
    }

    /// Lower is better: passes when `mine < theirs` and `mine ≤ theirs × (1 − by)`.
    private static func relative(
        _ mine: Double, _ theirs: Double, by: Double, what: String, name: String, than: String, format: (Double) -> String
    ) -> (Bool, String) {
        let passed = mine < theirs && mine <= theirs * (1 - by)
        let improvement = theirs > 0 ? (theirs - mine) / theirs : 0
        return (passed, "\(what): \(name) \(format(mine)) vs \(than) \(format(theirs)), "
            + "\(DecimalText.percent(improvement)) lower" + (passed ? " ≥ " : ", needs ") + DecimalText.percent(by))
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : "\(value)"
    }
}

