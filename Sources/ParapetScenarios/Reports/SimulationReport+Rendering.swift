public import Foundation
import ParapetCore
public import ParapetSimulation

extension SimulationReport {
    /// The report as stable, human-readable text: fixed decimal formatting, everything in scenario order, no
    /// dictionary-order dependence. The same scenario and seed give the same bytes.
    public var text: String {
        var lines: [String] = []
        lines.append("scenario: \(scenario) (seed \(seed), duration \(DurationText.format(duration)))")
        if let summary { lines.append("  " + summary) }
        for mark in timeline {
            lines.append("  at +\(DecimalText.seconds(mark.at)) \(mark.target.map { "\($0) " } ?? "")\(mark.change)")
        }
        for stack in stacks {
            lines.append("")
            lines += stack.textLines
        }
        lines.append("")
        let failed = expectations.filter { !$0.passed }.count
        lines.append("expectations: \(expectations.count - failed) passed, \(failed) failed")
        for result in expectations {
            lines.append("  \(result.passed ? "PASS" : "FAIL") \(result.expectation): \(result.message)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as JSON (`JSONEncoder`, sorted keys, pretty-printed): durations and instants in milliseconds.
    /// The same scenario and seed give the same bytes.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// ``json()`` as a string.
    public func jsonText() throws -> String {
        String(decoding: try json(), as: UTF8.self)
    }
}

extension StackReport {
    /// Transitions listed in the text report before eliding the rest.
    static let textTransitionLimit = 40

    var textLines: [String] {
        var lines: [String] = []
        lines.append("stack \(name): \(composition)")
        lines.append("  requests \(requests)  success \(successRatio.map(DecimalText.percent) ?? "-")  unfinished \(unfinished)")
        lines.append("  latency " + latency.text)
        lines.append("  statuses " + (statuses.isEmpty ? "-" : statuses.map { "\($0.status) \($0.count)" }.joined(separator: ", ")))
        var attemptLine = "  attempts \(attempts.total): routed \(attempts.routed), shed \(attempts.shed)"
        if !attempts.shedReasons.isEmpty {
            attemptLine += " (" + attempts.shedReasons.map { "\($0.status) \($0.count)" }.joined(separator: ", ") + ")"
        }
        lines.append(attemptLine)
        lines.append("  targets:")
        let width = targets.map(\.name.count).max() ?? 1
        for target in targets {
            let padded = target.name + String(repeating: " ", count: width - target.name.count)
            lines.append(
                "    \(padded)  requests \(target.requests)  success \(target.successRatio.map(DecimalText.percent) ?? "-")"
                    + "  p50 \(DecimalText.milliseconds(target.latency.p50))  p99 \(DecimalText.milliseconds(target.latency.p99))"
                    + "  peak in-flight \(target.peakInFlight)  while open \(target.requestsWhileOpen)"
                    + "  probes \(target.probes) (\(target.failedProbes) failed)")
        }
        lines.append("  transitions: \(transitions.count + transitionsDropped)")
        for transition in transitions.prefix(Self.textTransitionLimit) {
            var line = "    +\(DecimalText.seconds(transition.at)) \(transition.source) \(transition.target) "
                + "\(transition.from) -> \(transition.to) (\(transition.reason)"
            if transition.cause != "none" { line += ", \(transition.cause)" }
            lines.append(line + ")")
        }
        let elided = transitions.count + transitionsDropped - min(transitions.count, Self.textTransitionLimit)
        if elided > 0 { lines.append("    … \(elided) more") }
        lines.append("  all-down windows: \(allDownWindows.count)")
        for window in allDownWindows {
            lines.append(
                "    [\(DecimalText.seconds(window.from)), \(DecimalText.seconds(window.to))) requests \(window.requests)"
                    + " (\(window.successes) ok)  attempts \(window.attempts): shed \(window.shed), routed \(window.routed)")
        }
        if let rateLimit { lines += rateLimit.textLines }
        if let cache { lines += cache.textLines }
        return lines
    }
}

extension RateLimitReport {
    var textLines: [String] {
        var lines = [
            "  rate limit \(limit) per \(DurationText.format(window)), fail \(failureMode): limited \(limited), "
                + "store failures \(storeFailures)",
            "  redis: \(redis.calls) calls, \(redis.answered) answered, \(redis.refused) refused, \(redis.timedOut) timed out",
            "  redis outages: \(outages.count)",
        ]
        for window in outages {
            lines.append(
                "    [\(DecimalText.seconds(window.from)), \(DecimalText.seconds(window.to))) \(window.state)  requests "
                    + "\(window.requests) (\(window.successes) ok)  limited \(window.limited)  store failures \(window.storeFailures)")
        }
        return lines
    }
}

extension CacheReport {
    var textLines: [String] {
        let reasons = staleReasons.map { "\($0.status) \($0.count)" }.joined(separator: ", ")
        var lines = [
            "  cache: origin requests \(originRequests)  hits \(hits)  misses \(misses)  stale \(staleAnswers)"
                + (reasons.isEmpty ? "" : " (\(reasons))")
                + "  collapsed \(collapsedAnswers)  revalidated \(revalidated)  forwarded \(forwarded)"
        ]
        if staleAnswers > 0 {
            lines.append(
                "  stale answers past freshness: max \(DecimalText.seconds(maxStaleness)), "
                    + "mean \(DecimalText.seconds(meanStaleness))")
        }
        if let purging { lines += purging.textLines }
        return lines
    }
}

extension CachePurgingReport {
    var textLines: [String] {
        [
            "  cache purges \(purges): served after purge \(servedAfterPurge)",
            "  cache store: baseline \(baseline.text)  peak \(peak.text)  final \(final.text)",
            "  cache store changes: " + changes.map(\.text).joined(separator: ", "),
        ]
    }

    /// The samples that differ from the one before (the first always), so that a report shows when the
    /// store grew and when it was emptied without listing every bucket.
    var changes: [CacheMemorySample] {
        var changes: [CacheMemorySample] = []
        for sample in samples where changes.last.map({ ($0.bytes, $0.entries) != (sample.bytes, sample.entries) }) ?? true {
            changes.append(sample)
        }
        return changes
    }
}

extension CacheMemorySample {
    /// `1234 B (8 entries) at +30s`.
    var text: String {
        "\(bytes) B (\(entries) entries) at +\(DecimalText.seconds(at))"
    }
}

extension LatencySummary {
    /// `p50 … p90 … p99 … p99.9 … max … (n)`.
    var text: String {
        "p50 \(DecimalText.milliseconds(p50))  p90 \(DecimalText.milliseconds(p90))  p99 \(DecimalText.milliseconds(p99))"
            + "  p99.9 \(DecimalText.milliseconds(p999))  max \(DecimalText.milliseconds(max))  (n=\(count))"
    }
}
