import Foundation
import ParapetTestSupport
import Testing

@testable import ParapetScenarios
@testable import ParapetSimulation

/// How often `needle` occurs in `text`.
private func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}

/// The bundled scenario `name`, run on its own seed.
private func bundledReport(_ name: String) async throws -> SimulationReport {
    try await Scenario.load(contentsOf: simulationsFolder.appendingPathComponent(name)).run()
}

/// A short scenario whose name and summary try to inject markup.
private let hostileScenario = """
    name: "<script>alert('name')</script>"
    summary: "a & b <img src=x onerror=alert(1)> \\"quoted\\""
    seed: 3
    duration: 4s
    targets:
      - {name: a}
      - {name: b}
    timeline:
      - {at: 1s, target: b, become: dead}
    workload: {rate: 20}
    stacks:
      - name: breaker
        balancer: {type: circuit-breaker, failureThreshold: 2, openTimeout: 1s}
    expect:
      - successRatio: {stack: breaker, atLeast: 0.5}
    """

/// The first `chromium` (or `chromium-browser`) on `PATH`, if any.
private let chromium: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        for name in ["chromium", "chromium-browser"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
    }
    return nil
}()

@Suite("HTML report", .cpuHeavy)
struct HTMLReportTests {
    @Test func aBundledScenarioHasBothChartsPerStackOutagesAndTransitions() async throws {
        let report = try await bundledReport("dead-origin.yaml")
        let html = report.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(report.stacks.count == 2)
        #expect(occurrences(of: "<svg class=\"traffic-share\"", in: html) == report.stacks.count)
        #expect(occurrences(of: "<svg class=\"latency\"", in: html) == report.stacks.count)
        for index in report.stacks.indices {
            #expect(html.contains("id=\"stack-\(index)-traffic-share\""))
            #expect(html.contains("id=\"stack-\(index)-latency\""))
        }
        let targets = report.stacks.map(\.targets.count).reduce(0, +)
        #expect(occurrences(of: "<path class=\"share-area\"", in: html) == targets)
        #expect(occurrences(of: "<path class=\"latency-p50\"", in: html) == report.stacks.count)
        #expect(occurrences(of: "<path class=\"latency-p99\"", in: html) == report.stacks.count)
        #expect(!report.timeline.isEmpty)
        // One outage span (c dead from 10 s to the end), shaded in both charts of both stacks.
        #expect(occurrences(of: "<rect class=\"outage\"", in: html) == 2 * report.stacks.count)
        let transitions = report.stacks.map(\.transitions.count).reduce(0, +)
        #expect(transitions > 0)
        #expect(occurrences(of: "<line class=\"transition\"", in: html) >= 1)
        #expect(occurrences(of: "<line class=\"transition\"", in: html) <= 2 * transitions)
        #expect(html.contains("time (s)") && html.contains("latency (ms)") && html.contains("10s</text>"))
        #expect(occurrences(of: "<span class=\"verdict pass\">PASS</span>", in: html) == 1 + report.expectations.count)
        #expect(!html.contains("<script"))
        #expect(
            !html.contains("src=") && !html.contains("<link") && !html.contains("@import") && !html.contains("url("))
    }

    @Test func everyBundledScenarioRendersOneChartPairPerStack() async throws {
        for file in bundledScenarioFiles() {
            let report = try await Scenario.load(contentsOf: file).run()
            let html = report.html()
            #expect(
                occurrences(of: "<svg class=\"traffic-share\"", in: html) == report.stacks.count,
                "\(file.lastPathComponent)")
            #expect(
                occurrences(of: "<svg class=\"latency\"", in: html) == report.stacks.count, "\(file.lastPathComponent)")
            #expect(
                (occurrences(of: "<rect class=\"outage\"", in: html) > 0) == !report.timeline.isEmpty,
                "\(file.lastPathComponent)")
            if report.stacks.contains(where: { !$0.transitions.isEmpty }) {
                #expect(html.contains("<line class=\"transition\""), "\(file.lastPathComponent)")
            }
        }
    }

    @Test func aRateLimitedStackShowsItsLimitAndOneRowPerRedisOutage() async throws {
        let report = try await bundledReport("redis-outage.yaml")
        let html = report.html()
        let limited = report.stacks.compactMap(\.rateLimit)
        #expect(!limited.isEmpty)
        #expect(occurrences(of: "<table class=\"redis-outages\">", in: html) == limited.count)
        let rows = limited.map(\.outages.count).reduce(0, +)
        #expect(occurrences(of: "<tr><td>down</td>", in: html) + occurrences(of: "<tr><td>partitioned</td>", in: html) == rows)
        let openLimit = try #require(limited.first { $0.failureMode == "open" })
        #expect(html.contains("fail open · limited \(openLimit.limited) · store failures \(openLimit.storeFailures)"))
    }

    @Test func scenarioTextIsEscaped() async throws {
        let report = try await Scenario(yaml: hostileScenario).run()
        #expect(report.scenario == "<script>alert('name')</script>")
        let html = report.html()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"))
        #expect(html.contains("a &amp; b &lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot;"))
    }

    @Test func theSameReportGivesTheSameBytes() async throws {
        let first = try await bundledReport("correlated-outage.yaml").html()
        let second = try await bundledReport("correlated-outage.yaml").html()
        #expect(first == second)
        let decoded = try await JSONDecoder().decode(
            SimulationReport.self, from: try bundledReport("correlated-outage.yaml").json())
        #expect(decoded.html() == first)
        let reseeded = try await Scenario.load(contentsOf: simulationsFolder.appendingPathComponent("correlated-outage.yaml"))
            .run(seed: 99)
        #expect(reseeded.html() != first)
    }

    @Test func outageSpansFollowTheTimelineAndMergeIdenticalOnes() async throws {
        let correlated = try await bundledReport("correlated-outage.yaml")
        let spans = HTMLOutageSpan.spans(of: correlated.timeline, end: correlated.duration)
        #expect(spans.count == 1)
        #expect(spans.first?.from == .seconds(20) && spans.first?.to == .seconds(40))
        #expect(spans.first?.details.count == 6)
        let cold = try await bundledReport("cold-deploy.yaml")
        let coldSpans = HTMLOutageSpan.spans(of: cold.timeline, end: cold.duration)
        #expect(coldSpans.map(\.from) == [.seconds(20)])
        #expect(coldSpans.map(\.to) == [cold.duration])
    }

    @Test func escapingCoversEveryMarkupCharacter() {
        #expect(
            HTMLText.escape(#"<a href="x">Tom & 'Jerry'</a>"#)
                == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        #expect(HTMLText.escape("σ × – plain") == "σ × – plain")
    }

    /// The page in a real browser: chromium parses it and the DOM holds the charts. `scripts/test.sh` installs
    /// chromium, so a machine without it fails here rather than skipping the check.
    @Test func chromiumRendersTheCharts() async throws {
        let chromium = try #require(chromium, "chromium is not installed (scripts/test.sh installs it)")
        let report = try await bundledReport("dead-origin.yaml")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "parapet-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("report.html")
        try report.html().write(to: page, atomically: true, encoding: .utf8)
        let outcome = try await runProcess(
            chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--user-data-dir=\(directory.appendingPathComponent("profile").path)", "--dump-dom",
                page.absoluteString,
            ],
            timeout: .seconds(120))
        #expect(outcome.status == 0, "\(outcome.errors)")
        let dom = outcome.output
        #expect(occurrences(of: "<svg class=\"traffic-share\"", in: dom) == report.stacks.count, "\(outcome.errors)")
        #expect(occurrences(of: "<svg class=\"latency\"", in: dom) == report.stacks.count)
        #expect(dom.contains("class=\"outage\""))
        #expect(dom.contains("class=\"transition\""))
        #expect(dom.contains("class=\"share-area\""))
    }
}

@Suite("parapet-sim --html", .cpuHeavy)
struct ParapetSimHTMLCommandTests {
    @Test func runWritesThePage() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "parapet-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("report.html")
        let file = simulationsFolder.appendingPathComponent("dead-origin.yaml").path
        let outcome = try await parapetSim(["run", file, "--html", page.path])
        #expect(outcome.status == 0, "\(outcome.errors)")
        #expect(outcome.output.contains("expectations: 4 passed, 0 failed"))
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html == (try await bundledReport("dead-origin.yaml").html()))
    }

    @Test func severalFilesWriteOnePageEachIntoADirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "parapet-html-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pages = directory.appendingPathComponent("pages")
        let files = ["dead-origin.yaml", "flaky-5xx.yaml"].map { simulationsFolder.appendingPathComponent($0).path }
        let outcome = try await parapetSim(["run"] + files + ["--html", pages.path])
        #expect(outcome.status == 0, "\(outcome.errors)")
        for name in ["dead-origin", "flaky-5xx"] {
            let html = try String(contentsOf: pages.appendingPathComponent("\(name).html"), encoding: .utf8)
            #expect(html.contains("<svg class=\"traffic-share\""))
        }
    }

    @Test func severalFilesAndAPathThatIsAFileAreBadInput() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "parapet-html-\(UUID().uuidString).html")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let files = ["dead-origin.yaml", "flaky-5xx.yaml"].map { simulationsFolder.appendingPathComponent($0).path }
        let outcome = try await parapetSim(["run"] + files + ["--html", file.path])
        #expect(outcome.status == 2)
        #expect(outcome.errors.contains("needs a directory") || outcome.errors.contains("need a directory"))
        #expect(try String(contentsOf: file, encoding: .utf8) == "x")
    }
}
