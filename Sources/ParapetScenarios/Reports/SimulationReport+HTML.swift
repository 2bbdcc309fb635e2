import ParapetCore
public import ParapetSimulation
extension SimulationReport {
    /// The report as one self-contained HTML page: inline CSS and inline SVG, no scripts, fonts or images.
    /// Per stack: a stacked-area chart of each target's share of the attempts over time, a line chart of the
    /// client latency p50/p99 over time (both with the scenario's outage windows shaded and the stack's state
    /// transitions marked, hover for details), the per-target table; then every expectation with PASS or
    /// FAIL. Text from the scenario is HTML-escaped and numbers have fixed precision, so the same report
    /// always gives the same bytes.
    ///
    /// The SVG elements carry stable classes: `svg.traffic-share` and `svg.latency` (one each per stack, ids
    /// `stack-N-traffic-share` / `stack-N-latency`), `path.share-area`, `path.latency-p50` /
    /// `path.latency-p99`, `rect.outage`, `rect.all-down` and `line.transition`.
    public func html() -> String {
        let outages = HTMLOutageSpan.spans(of: timeline, end: duration)
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page += "<title>parapet-sim: \(HTMLText.escape(scenario))</title>\n"
        page += "<style>\n" + HTMLReportStyle.css + "</style>\n</head>\n<body>\n"
        page += headerHTML
        for (index, stack) in stacks.enumerated() {
            page += stack.htmlSection(index: index, duration: duration, outages: outages)
        }
        page += expectationsHTML
        page += "</body>\n</html>\n"
        return page
    }

    private var headerHTML: String {
        let failed = failures.count
        var html = "<header>\n<h1>\(HTMLText.escape(scenario)) "
        html += passed ? "<span class=\"verdict pass\">PASS</span>" : "<span class=\"verdict fail\">FAIL</span>"
        html += "</h1>\n"
        if let summary { html += "<p class=\"summary\">\(HTMLText.escape(summary))</p>\n" }
        html += "<p class=\"meta\">seed \(seed) · duration \(HTMLText.escape(DurationText.format(duration)))"
        html += " · \(stacks.count) stack\(stacks.count == 1 ? "" : "s")"
        html += " · expectations: \(expectations.count - failed) passed, \(failed) failed</p>\n"
        if !timeline.isEmpty {
            html += "<ol class=\"timeline\">\n"
            for mark in timeline {
                html += "<li><span class=\"at\">+\(DecimalText.seconds(mark.at))</span> "
                html += HTMLText.escape((mark.target.map { "\($0) " } ?? "") + mark.change) + "</li>\n"
            }
            html += "</ol>\n"
        }
        return html + "</header>\n"
    }

    private var expectationsHTML: String {
        var html = "<section class=\"expectations\">\n<h2>Expectations</h2>\n"
        guard !expectations.isEmpty else { return html + "<p>none</p>\n</section>\n" }
        html += "<table>\n<thead><tr><th>verdict</th><th>expectation</th><th>measured</th></tr></thead>\n<tbody>\n"
        for result in expectations {
            let verdict = result.passed ? "pass" : "fail"
            html += "<tr class=\"expectation \(verdict)\"><td><span class=\"verdict \(verdict)\">"
            html += result.passed ? "PASS" : "FAIL"
            html += "</span></td><td><code>\(HTMLText.escape(result.expectation))</code></td>"
            html += "<td>\(HTMLText.escape(result.message))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }
}

/// A span of the outage timeline during which one or more targets were not healthy, for shading charts.
struct HTMLOutageSpan: Equatable {
    var from: Duration
    var to: Duration
    /// What happened, one line per target, e.g. `c: becomes dead`.
    var details: [String]

    /// The spans of `timeline` up to `end`: a target's span opens at its first change that is not
    /// `becomes healthy` and closes when it becomes healthy again (or at `end`); later changes inside a
    /// span are added to its details. A wall-clock step is a zero-length span. Spans with the same bounds
    /// are merged; the result is in order of opening.
    static func spans(of timeline: [TimelineMark], end: Duration) -> [HTMLOutageSpan] {
        var spans: [HTMLOutageSpan] = []
        var open: [(target: String, index: Int)] = []
        for mark in timeline {
            let detail = (mark.target.map { "\($0): " } ?? "") + mark.change + " at +" + DecimalText.seconds(mark.at)
            guard let target = mark.target else {
                spans.append(HTMLOutageSpan(from: mark.at, to: mark.at, details: [detail]))
                continue
            }
            let position = open.firstIndex { $0.target == target }
            if mark.change.hasPrefix("becomes healthy") {
                if let position {
                    spans[open[position].index].to = mark.at
                    spans[open[position].index].details.append(detail)
                    open.remove(at: position)
                }
            } else if let position {
                spans[open[position].index].details.append(detail)
            } else {
                open.append((target, spans.count))
                spans.append(HTMLOutageSpan(from: mark.at, to: end, details: [detail]))
            }
        }
        var merged: [HTMLOutageSpan] = []
        for span in spans {
            if let index = merged.firstIndex(where: { $0.from == span.from && $0.to == span.to }) {
                merged[index].details += span.details
            } else {
                merged.append(span)
            }
        }
        return merged
    }
}

/// The geometry shared by a stack's two charts: a plot area inside margins, time from 0 to `end` on x.
struct HTMLChartFrame {
    static let width = 960.0
    static let height = 260.0
    static let left = 70.0
    static let right = 20.0
    static let top = 14.0
    static let bottom = 44.0
    static let plotWidth = width - left - right
    static let plotHeight = height - top - bottom
    /// Transition marks drawn per chart at most.
    static let transitionLimit = 2_000

    /// The time axis's end, in seconds.
    var end: Double

    func x(_ seconds: Double) -> Double {
        Self.left + Self.plotWidth * min(max(seconds / max(end, 0.001), 0), 1)
    }

    /// The y coordinate of `fraction` (0 at the bottom, 1 at the top) of the plot.
    func y(_ fraction: Double) -> Double {
        Self.top + Self.plotHeight * (1 - min(max(fraction, 0), 1))
    }

    func svgOpen(kind: String, id: String, label: String) -> String {
        "<svg class=\"\(kind)\" id=\"\(id)\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
            + "\(HTMLText.coordinate(Self.width)) \(HTMLText.coordinate(Self.height))\" role=\"img\" aria-label=\""
            + HTMLText.escape(label) + "\">\n"
    }

    /// The outage spans as shaded rectangles (a zero-length span as a thin one), each with a tooltip.
    func outages(_ spans: [HTMLOutageSpan]) -> String {
        var svg = ""
        for span in spans {
            let from = x(span.from.inSeconds)
            let to = max(x(span.to.inSeconds), from + 2)
            svg += "<rect class=\"outage\" x=\"\(HTMLText.coordinate(from))\" y=\"\(HTMLText.coordinate(Self.top))\""
            svg += " width=\"\(HTMLText.coordinate(to - from))\" height=\"\(HTMLText.coordinate(Self.plotHeight))\">"
            svg += "<title>" + HTMLText.escape(span.details.joined(separator: "\n")) + "</title></rect>\n"
        }
        return svg
    }

    /// The stack's all-down windows as a strip along the bottom of the plot.
    func allDown(_ windows: [AllDownWindow]) -> String {
        var svg = ""
        for window in windows {
            let from = x(window.from.inSeconds)
            let to = max(x(window.to.inSeconds), from + 1)
            svg +=
                "<rect class=\"all-down\" x=\"\(HTMLText.coordinate(from))\" y=\"\(HTMLText.coordinate(Self.top + Self.plotHeight - 6))\""
            svg += " width=\"\(HTMLText.coordinate(to - from))\" height=\"6.0\"><title>"
            svg += HTMLText.escape(
                "every target out [\(DecimalText.seconds(window.from)), \(DecimalText.seconds(window.to))): "
                    + "\(window.requests) requests (\(window.successes) ok), \(window.attempts) attempts: "
                    + "shed \(window.shed), routed \(window.routed)")
            svg += "</title></rect>\n"
        }
        return svg
    }

    /// The transitions as vertical lines (red when a target goes out, green when it comes back, amber
    /// otherwise), each with a tooltip; at most ``transitionLimit``, and none past the axis.
    func transitions(_ records: [TransitionRecord]) -> String {
        var svg = ""
        for record in records.prefix(Self.transitionLimit) where record.at.inSeconds <= end {
            let at = HTMLText.coordinate(x(record.at.inSeconds))
            var title =
                "+\(DecimalText.seconds(record.at)) \(record.source) \(record.target) \(record.from) → \(record.to)"
            title += " (\(record.reason)" + (record.cause == "none" ? "" : ", \(record.cause)") + ")"
            svg += "<line class=\"transition\" data-to=\"\(HTMLText.escape(record.to))\" x1=\"\(at)\" x2=\"\(at)\""
            svg += " y1=\"\(HTMLText.coordinate(Self.top))\" y2=\"\(HTMLText.coordinate(Self.top + Self.plotHeight))\">"
            svg += "<title>" + HTMLText.escape(title) + "</title></line>\n"
        }
        return svg
    }

    /// The time axis: ticks and labels in seconds, and its title.
    func timeAxis() -> String {
        let step = HTMLText.niceStep(span: end, ticks: 12)
        let places = HTMLText.places(for: step)
        let bottom = Self.top + Self.plotHeight
        var svg = "<g class=\"axis x-axis\">\n"
        svg +=
            "<line x1=\"\(HTMLText.coordinate(Self.left))\" x2=\"\(HTMLText.coordinate(Self.left + Self.plotWidth))\""
        svg += " y1=\"\(HTMLText.coordinate(bottom))\" y2=\"\(HTMLText.coordinate(bottom))\"/>\n"
        var index = 0
        while Double(index) * step <= end * (1 + 1e-9) {
            let value = Double(index) * step
            let at = HTMLText.coordinate(x(value))
            svg +=
                "<line x1=\"\(at)\" x2=\"\(at)\" y1=\"\(HTMLText.coordinate(bottom))\" y2=\"\(HTMLText.coordinate(bottom + 5))\"/>"
            svg += "<text x=\"\(at)\" y=\"\(HTMLText.coordinate(bottom + 18))\" text-anchor=\"middle\">"
            svg += DecimalText.fixed(value, places: places) + "s</text>\n"
            index += 1
        }
        svg += "<text class=\"axis-title\" x=\"\(HTMLText.coordinate(Self.left + Self.plotWidth / 2))\""
        svg += " y=\"\(HTMLText.coordinate(Self.height - 4))\" text-anchor=\"middle\">time (s)</text>\n"
        return svg + "</g>\n"
    }

    /// A value axis from 0 to `maximum` in steps of `step`, labelled with `unit` and gridlines, and its title.
    func valueAxis(maximum: Double, step: Double, places: Int, scale: Double, unit: String, title: String) -> String {
        var svg = "<g class=\"axis y-axis\">\n"
        svg += "<line x1=\"\(HTMLText.coordinate(Self.left))\" x2=\"\(HTMLText.coordinate(Self.left))\""
        svg += " y1=\"\(HTMLText.coordinate(Self.top))\" y2=\"\(HTMLText.coordinate(Self.top + Self.plotHeight))\"/>\n"
        var index = 0
        while Double(index) * step <= maximum * (1 + 1e-9) {
            let value = Double(index) * step
            let at = HTMLText.coordinate(y(value / maximum))
            svg +=
                "<line class=\"grid\" x1=\"\(HTMLText.coordinate(Self.left))\" x2=\"\(HTMLText.coordinate(Self.left + Self.plotWidth))\""
            svg += " y1=\"\(at)\" y2=\"\(at)\"/>"
            svg +=
                "<text x=\"\(HTMLText.coordinate(Self.left - 6))\" y=\"\(at)\" text-anchor=\"end\" dominant-baseline=\"middle\">"
            svg += DecimalText.fixed(value * scale, places: places) + unit + "</text>\n"
            index += 1
        }
        let middle = HTMLText.coordinate(Self.top + Self.plotHeight / 2)
        svg += "<text class=\"axis-title\" x=\"14.0\" y=\"\(middle)\" text-anchor=\"middle\""
        svg += " transform=\"rotate(-90 14.0 \(middle))\">\(title)</text>\n"
        return svg + "</g>\n"
    }
}

/// Fixed series colours, by target position.
enum HTMLPalette {
    static let colors = [
        "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    ]

    static func color(_ index: Int) -> String {
        colors[index % colors.count]
    }
}

extension StackReport {
    func htmlSection(index: Int, duration: Duration, outages: [HTMLOutageSpan]) -> String {
        let frame = HTMLChartFrame(end: max(duration.inSeconds, 0.001))
        var html = "<section class=\"stack\" id=\"stack-\(index)\">\n"
        html += "<h2>stack <span class=\"name\">\(HTMLText.escape(name))</span></h2>\n"
        html += "<p class=\"composition\"><code>\(HTMLText.escape(composition))</code></p>\n"
        html += "<p class=\"stats\">requests \(requests) · success \(successRatio.map(DecimalText.percent) ?? "-")"
        html +=
            " · unfinished \(unfinished) · attempts \(attempts.total) (routed \(attempts.routed), shed \(attempts.shed))"
        html +=
            " · transitions \(transitions.count + transitionsDropped)<br>latency \(HTMLText.escape(latency.text))</p>\n"
        html +=
            "<figure>\n<figcaption>Share of attempts per target (\(HTMLText.escape(DurationText.format(timeSeries.bucketWidth))) buckets)</figcaption>\n"
        html += trafficChart(index: index, frame: frame, outages: outages)
        html += "<div class=\"legend\">"
        for (position, target) in targets.enumerated() {
            html +=
                "<span><i style=\"background:\(HTMLPalette.color(position))\"></i>\(HTMLText.escape(target.name))</span>"
        }
        html += markLegend(outages: !outages.isEmpty) + "</div>\n</figure>\n"
        html += "<figure>\n<figcaption>Client latency per bucket</figcaption>\n"
        html += latencyChart(index: index, frame: frame, outages: outages)
        html += "<div class=\"legend\"><span><i class=\"p50\"></i>p50</span><span><i class=\"p99\"></i>p99</span>"
        html += markLegend(outages: !outages.isEmpty) + "</div>\n</figure>\n"
        let notDrawn =
            transitions.count + transitionsDropped
            - transitions.prefix(HTMLChartFrame.transitionLimit).filter { $0.at.inSeconds <= frame.end }.count
        if notDrawn > 0 { html += "<p class=\"note\">\(notDrawn) transitions not drawn.</p>\n" }
        html += targetTable
        if let rateLimit { html += rateLimit.htmlTable }
        if let cache { html += cache.htmlStats }
        return html + "</section>\n"
    }

    private func trafficChart(index: Int, frame: HTMLChartFrame, outages: [HTMLOutageSpan]) -> String {
        var svg = frame.svgOpen(
            kind: "traffic-share", id: "stack-\(index)-traffic-share", label: "share of attempts per target over time")
        svg += frame.valueAxis(maximum: 1, step: 0.25, places: 0, scale: 100, unit: "%", title: "share of attempts")
        let width = timeSeries.bucketWidth.inSeconds
        var lower = [Double](repeating: 0, count: timeSeries.buckets.count)
        for position in targets.indices {
            var path = SVGPath()
            var upperPoints: [(Double, Double)] = []
            var lowerPoints: [(Double, Double)] = []
            func flush() {
                guard !upperPoints.isEmpty else { return }
                path.move(upperPoints[0].0, upperPoints[0].1)
                for point in upperPoints.dropFirst() { path.line(point.0, point.1) }
                for point in lowerPoints.reversed() { path.line(point.0, point.1) }
                path.close()
                upperPoints = []
                lowerPoints = []
            }
            for (bucketIndex, bucket) in timeSeries.buckets.enumerated() {
                let start = bucket.start.inSeconds
                guard start < frame.end, bucket.targets.indices.contains(position),
                    bucket.targets.contains(where: { $0.requests > 0 })
                else {
                    flush()
                    continue
                }
                let share = bucket.targets[position].share
                let (x0, x1) = (frame.x(start), frame.x(min(start + width, frame.end)))
                let (bottom, top) = (frame.y(lower[bucketIndex]), frame.y(lower[bucketIndex] + share))
                upperPoints += [(x0, top), (x1, top)]
                lowerPoints += [(x0, bottom), (x1, bottom)]
                lower[bucketIndex] += share
            }
            flush()
            svg += "<path class=\"share-area\" data-target=\"\(HTMLText.escape(targets[position].name))\""
            svg += " fill=\"\(HTMLPalette.color(position))\" d=\"\(path.data)\"><title>"
            svg += HTMLText.escape(targets[position].name) + "</title></path>\n"
        }
        // Over the opaque areas, so the outage darkens them instead of hiding behind them.
        svg += frame.outages(outages)
        svg += frame.allDown(allDownWindows)
        svg += frame.transitions(transitions)
        svg += frame.timeAxis()
        return svg + "</svg>\n"
    }

    private func latencyChart(index: Int, frame: HTMLChartFrame, outages: [HTMLOutageSpan]) -> String {
        var svg = frame.svgOpen(
            kind: "latency", id: "stack-\(index)-latency", label: "client latency p50 and p99 over time")
        svg += frame.outages(outages)
        let width = timeSeries.bucketWidth.inSeconds
        let buckets = timeSeries.buckets.filter { $0.requests > 0 && $0.start.inSeconds < frame.end }
        let highest = buckets.map(\.p99.inMilliseconds).max() ?? 0
        let step = HTMLText.niceStep(span: max(highest, 1), ticks: 5)
        let maximum = (max(highest, 1) / step).rounded(.up) * step
        svg += frame.valueAxis(
            maximum: maximum, step: step, places: HTMLText.places(for: step), scale: 1, unit: "ms",
            title: "latency (ms)")
        for (kind, value) in [("latency-p50", \TimeBucket.p50), ("latency-p99", \TimeBucket.p99)] {
            var path = SVGPath()
            var previous: Int?
            for (bucketIndex, bucket) in timeSeries.buckets.enumerated() where bucket.requests > 0 {
                let start = bucket.start.inSeconds
                guard start < frame.end else { break }
                let x = frame.x(min(start + width / 2, frame.end))
                let y = frame.y(bucket[keyPath: value].inMilliseconds / maximum)
                if previous == bucketIndex - 1 { path.line(x, y) } else { path.move(x, y) }
                previous = bucketIndex
            }
            svg += "<path class=\"\(kind)\" d=\"\(path.data)\"/>\n"
        }
        svg += frame.transitions(transitions)
        svg += frame.timeAxis()
        return svg + "</svg>\n"
    }

    /// Legend entries for the marks this stack's charts actually have.
    private func markLegend(outages: Bool) -> String {
        var html = ""
        if outages { html += "<span><i class=\"outage-key\"></i>outage (timeline)</span>" }
        if !allDownWindows.isEmpty { html += "<span><i class=\"all-down-key\"></i>all targets out</span>" }
        let states = Set(transitions.map(\.to))
        if states.contains("open") { html += "<span><i class=\"transition-key out\"></i>transition to open</span>" }
        if states.contains("closed") {
            html += "<span><i class=\"transition-key back\"></i>transition to closed</span>"
        }
        if !states.subtracting(["open", "closed"]).isEmpty {
            html += "<span><i class=\"transition-key other\"></i>transition to half-open</span>"
        }
        return html
    }

    private var targetTable: String {
        var html = "<table class=\"targets\">\n<thead><tr><th>target</th><th>attempts</th><th>success</th><th>p50</th>"
        html +=
            "<th>p99</th><th>peak in-flight</th><th>while open</th><th>probes (failed)</th><th>statuses</th></tr></thead>\n<tbody>\n"
        for (position, target) in targets.enumerated() {
            html += "<tr><td><i class=\"swatch\" style=\"background:\(HTMLPalette.color(position))\"></i>"
            html += HTMLText.escape(target.name) + "</td>"
            html += "<td>\(target.requests)</td><td>\(target.successRatio.map(DecimalText.percent) ?? "-")</td>"
            html +=
                "<td>\(DecimalText.milliseconds(target.latency.p50))</td><td>\(DecimalText.milliseconds(target.latency.p99))</td>"
            html += "<td>\(target.peakInFlight)</td><td>\(target.requestsWhileOpen)</td>"
            html += "<td>\(target.probes) (\(target.failedProbes))</td><td>"
            html +=
                HTMLText.escape(target.statuses.map { "\($0.status) \($0.count)" }.joined(separator: ", "))
                + "</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }
}

extension RateLimitReport {
    /// The limit's totals and one row per Redis outage: what it refused and what it decided without Redis.
    var htmlTable: String {
        var html = "<p class=\"stats\">rate limit \(limit) per \(HTMLText.escape(DurationText.format(window)))"
        html += " · fail \(HTMLText.escape(failureMode)) · limited \(limited) · store failures \(storeFailures)"
        html += "<br>redis: \(redis.calls) calls, \(redis.answered) answered, \(redis.refused) refused,"
        html += " \(redis.timedOut) timed out</p>\n"
        guard !outages.isEmpty else { return html }
        html += "<table class=\"redis-outages\">\n<thead><tr><th>redis</th><th>from</th><th>to</th><th>requests</th>"
        html += "<th>ok</th><th>limited</th><th>store failures</th></tr></thead>\n<tbody>\n"
        for window in outages {
            html += "<tr><td>\(HTMLText.escape(window.state))</td><td>\(DecimalText.seconds(window.from))</td>"
            html += "<td>\(DecimalText.seconds(window.to))</td><td>\(window.requests)</td><td>\(window.successes)</td>"
            html += "<td>\(window.limited)</td><td>\(window.storeFailures)</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }
}

extension CacheReport {
    /// The cache's answers by kind, why stale ones were served and how stale they were.
    var htmlStats: String {
        var html = "<p class=\"stats cache\">cache: origin requests \(originRequests) · hits \(hits) · misses \(misses)"
        html += " · stale \(staleAnswers)"
        if !staleReasons.isEmpty {
            html += " (" + HTMLText.escape(staleReasons.map { "\($0.status) \($0.count)" }.joined(separator: ", ")) + ")"
        }
        html += " · collapsed \(collapsedAnswers) · revalidated \(revalidated) · forwarded \(forwarded)"
        if staleAnswers > 0 {
            html += "<br>stale answers past freshness: max \(DecimalText.seconds(maxStaleness)),"
            html += " mean \(DecimalText.seconds(meanStaleness))"
        }
        html += "</p>\n"
        if let purging { html += purging.htmlStats }
        return html
    }
}

extension CachePurgingReport {
    /// The purges' verdict, the store's baseline, peak and final size, and a table of its changes.
    var htmlStats: String {
        var html = "<p class=\"stats cache-purging\">cache purges \(purges) · served after purge \(servedAfterPurge)"
        html += "<br>cache store: baseline \(HTMLText.escape(baseline.text)) · peak \(HTMLText.escape(peak.text))"
        html += " · final \(HTMLText.escape(final.text))</p>\n"
        html += "<table class=\"cache-store\">\n<thead><tr><th>at</th><th>bytes</th><th>entries</th></tr></thead>\n<tbody>\n"
        for sample in changes {
            html += "<tr><td>+\(DecimalText.seconds(sample.at))</td><td>\(sample.bytes)</td><td>\(sample.entries)</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }
}

/// The page's inline style sheet.
enum HTMLReportStyle {
    static let css = """
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 24px auto; max-width: 1000px; padding: 0 16px; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 18px; margin: 28px 0 4px; border-top: 1px solid #d0d7de; padding-top: 16px; }
        .summary { margin: 4px 0; }
        .meta, .composition, .stats, .note { color: #57606a; margin: 2px 0; }
        .timeline { margin: 6px 0; padding-left: 20px; color: #57606a; }
        .timeline .at { font-variant-numeric: tabular-nums; color: #1f2328; }
        code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; }
        .verdict { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 12px; font-weight: 600; color: #fff; vertical-align: middle; }
        .verdict.pass { background: #1a7f37; }
        .verdict.fail { background: #cf222e; }
        figure { margin: 12px 0 0; }
        figcaption { font-weight: 600; margin-bottom: 2px; }
        svg { display: block; width: 100%; height: auto; background: #fff; }
        svg text { font-size: 11px; fill: #57606a; }
        svg .axis-title { font-size: 12px; fill: #1f2328; }
        svg .axis line { stroke: #8c959f; stroke-width: 1; }
        svg .axis line.grid { stroke: #eaeef2; }
        svg .outage { fill: #cf222e; fill-opacity: 0.10; }
        svg.traffic-share .outage { fill: #1f2328; fill-opacity: 0.22; }
        svg .all-down { fill: #cf222e; fill-opacity: 0.55; }
        svg .share-area { stroke: none; fill-opacity: 0.85; }
        svg .latency-p50, svg .latency-p99 { fill: none; stroke: #0969da; stroke-width: 1.6; stroke-linejoin: round; }
        svg .latency-p99 { stroke: #bc4c00; stroke-dasharray: 5 3; }
        svg .transition { stroke: #bf8700; stroke-width: 1.5; stroke-opacity: 0.75; }
        svg .transition[data-to="open"] { stroke: #cf222e; }
        svg .transition[data-to="closed"] { stroke: #1a7f37; }
        .legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; color: #57606a; margin-top: 2px; }
        .legend i, .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; border-radius: 2px; }
        .legend i.p50 { height: 0; border-top: 2px solid #0969da; border-radius: 0; vertical-align: 3px; }
        .legend i.p99 { height: 0; border-top: 2px dashed #bc4c00; border-radius: 0; vertical-align: 3px; }
        .legend i.outage-key { background: rgba(207, 34, 46, 0.10); border: 1px solid rgba(207, 34, 46, 0.3); }
        .legend i.all-down-key { background: rgba(207, 34, 46, 0.55); height: 6px; vertical-align: 1px; }
        .legend i.transition-key { width: 2px; border-radius: 0; }
        .legend i.transition-key.out { background: #cf222e; }
        .legend i.transition-key.back { background: #1a7f37; }
        .legend i.transition-key.other { background: #bf8700; }
        table { border-collapse: collapse; margin: 12px 0; font-variant-numeric: tabular-nums; }
        th, td { border-bottom: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: top; }
        th { background: #f6f8fa; font-weight: 600; }
        table.targets td:not(:first-child):not(:last-child) { text-align: right; }
        table.redis-outages td:not(:first-child) { text-align: right; }
        tr.expectation.fail td { background: #ffebe9; }

        """
}
