import Foundation
import HTTPTypes
import ParapetCore
import ParapetScenarios
import ParapetTestSupport
import Testing

@testable import ParapetSimulation

/// One page behind a reaped and an unreaped cache, every instant fixed: a miss at 0s (the origin answers in
/// 10ms), hits at 1s and 4s, the URL purged at 5s, the reaper's walk at 6s, a miss at 6.5s, a tag purge at
/// 8s and the walk at 9s. The arrival at 9.9s is outside the mix's window, so it sends nothing but keeps
/// the run going until then. With 100 buckets the store is sampled every 100ms.
private let tinyPurgeScenario = """
    name: tiny-purge
    duration: 10s
    drain: 1s
    targets:
      - {name: a, latency: 10ms, cacheControl: "max-age=3600", cacheTags: [page, site]}
    timeline:
      - {at: 5s, purge: {url: /page}}
      - {at: 8s, purge: {tag: page}}
    workload:
      arrivals: [0s, 1s, 4s, 6500ms, 9900ms]
      mix: [{path: /page, to: 9s}]
    stacks:
      - name: reaped
        cache: {reaper: {interval: 3s, sliceSize: 1}}
        balancer: round-robin
      - name: unreaped
        cache: {}
        balancer: round-robin
    expect:
      - servedAfterPurge: {stack: reaped, atMost: 0}
      - cacheEntries: {stack: reaped, at: 5500ms, atLeast: 1, atMost: 1}
      - cacheEntries: {stack: reaped, at: 6200ms, atMost: 0}
      - cacheBytes: {stack: reaped, at: 9500ms, atLeast: 1}
      - cacheBytes: {stack: unreaped, at: 10500ms, atLeast: 1}
    report: {buckets: 100}
    """

@Suite("Purges and the reaper in scenarios", .cpuHeavy)
struct CachePurgeScenarioTests {
    @Test("a purged page is never served after the purge, and the reaper empties the store at its next walk")
    func exactInstants() async throws {
        let report = try await Scenario(yaml: tinyPurgeScenario, file: "tiny-purge.yaml").run()

        let reaped = report.stack("reaped")
        #expect(
            reaped.composition
                == "cache-reaper(interval: 3s, sliceSize: 1) > cache(purges) > upstream(retries: 0) > round-robin")
        #expect(reaped.requests == 4)
        let cache = try #require(reaped.cache)
        #expect([cache.misses, cache.hits, cache.originRequests] == [2, 2, 2] as [Int])
        let purging = try #require(cache.purging)
        #expect(purging.purges == 2 && purging.servedAfterPurge == 0)

        func entries(_ report: CachePurgingReport, at milliseconds: Int64) -> Int? {
            report.memory(at: .milliseconds(milliseconds))?.entries
        }
        // Stored at 10ms; purged at 5s but not looked up, so still stored until the walk at 6s; fetched
        // again at 6.5s; purged by its tag at 8s and removed by the walk at 9s.
        #expect(entries(purging, at: 0) == 0)
        #expect(entries(purging, at: 5_500) == 1)
        #expect(entries(purging, at: 6_200) == 0)
        #expect(entries(purging, at: 8_500) == 1)
        #expect(entries(purging, at: 9_500) == 0)
        #expect(purging.baseline == CacheMemorySample(at: .zero, bytes: 0, entries: 0))
        #expect(purging.final.bytes == 0 && purging.final.at == .milliseconds(9_900))
        #expect(purging.peak.entries == 1 && purging.peak.at == .milliseconds(100) && purging.peak.bytes > 0)

        // Without a reaper the purged page stays until a lookup finds it: the one at 6.5s replaces it,
        // and nothing looks up the one the tag purged.
        let unreaped = try #require(report.stack("unreaped").cache?.purging)
        #expect(unreaped.servedAfterPurge == 0)
        #expect([5_500, 6_200, 8_500, 9_500].map { entries(unreaped, at: $0) } == [1, 1, 1, 1])
        #expect(unreaped.final.entries == 1)

        #expect(report.expectations.map(\.passed) == [true, true, true, false, true])
        #expect(report.expectations[0].message == "reaped: servedAfterPurge 0 ≤ 0")
        #expect(report.expectations[1].expectation == "cacheEntries(stack: reaped, at: 5500ms, atLeast: 1, atMost: 1)")
        #expect(report.expectations[3].message == "reaped: cacheBytes at 9500ms 0 is below 1")
        #expect(report.expectations[4].message.hasPrefix("unreaped: cacheBytes at 10500ms (the run ended at 9.900s) "))

        #expect(report.timeline.map(\.change) == ["purge url /page", "purge tag page"])
        #expect(report.text.contains("  cache purges 2: served after purge 0\n"))
        #expect(report.text.contains("  cache store changes: 0 B (0 entries) at +0.000s, "))
        #expect(try report.jsonText().contains("\"servedAfterPurge\" : 0"))
        #expect(report.html().contains("<p class=\"stats cache-purging\">cache purges 2 · served after purge 0"))
    }

    @Test("a scenario without purges or a reaper reports no purging, and its reports do not change")
    func noPurging() async throws {
        let report = try await Scenario(
            yaml: """
                duration: 2s
                targets: [{name: a, cacheControl: "max-age=60"}]
                workload: {arrivals: [0s, 1s]}
                stack: {cache: {}, balancer: round-robin}
                """, file: "plain.yaml"
        ).run()
        #expect(report.stack().cache?.purging == nil)
        #expect(report.stack().composition == "cache > upstream(retries: 0) > round-robin")
        #expect(!report.text.contains("cache purges"))
        #expect(try !report.jsonText().contains("purging"))
    }
}

@Suite("Served after purge, counted")
struct PurgeTallyTests {
    @Test("an answer filled before a covering purge that the request came after is counted; others are not")
    func counts() {
        var tally = PurgeTally()
        tally.applied = [.url("/a"), .prefix("/blog"), .tag("t")]
        func served(_ path: String, tags: [String] = [], filledAfter: Int, askedAfter: Int) -> Int {
            let before = tally.servedAfterPurge
            tally.answered(
                host: "simulated", pathAndQuery: path, tags: tags, filledAfter: filledAfter, askedAfter: askedAfter)
            return tally.servedAfterPurge - before
        }
        #expect(served("/a", filledAfter: 0, askedAfter: 1) == 1)
        #expect(served("/a", filledAfter: 1, askedAfter: 3) == 0)  // filled after the purge of /a
        #expect(served("/a", filledAfter: 0, askedAfter: 0) == 0)  // asked before it
        #expect(served("/blog/x?p=1", filledAfter: 1, askedAfter: 2) == 1)
        #expect(served("/blogger", filledAfter: 1, askedAfter: 2) == 0)
        #expect(served("/b", tags: ["t"], filledAfter: 2, askedAfter: 3) == 1)
        #expect(served("/b", tags: ["u"], filledAfter: 0, askedAfter: 3) == 0)
        #expect(served("/a", filledAfter: 3, askedAfter: 1) == 0)  // fetched for the request itself
    }

    @Test(
        "behind the cache origin answers are stamped with the purges applied; in front, a stamped answer a purge covers is counted"
    )
    func watchers() async throws {
        let recorder = RunRecorder(
            layout: .untimed, allDownWindows: [], recordsTrace: false, cache: CacheTally(purging: PurgeTally()))
        let counted = try await Simulation(seed: 1).run { runtime in
            let context = quietContext(runtime)
            func request(_ path: String) -> Request {
                Request(head: HTTPRequest(method: .get, scheme: "http", authority: Scenario.host, path: path))
            }
            // What an origin answers, stamped as it arrives behind the cache.
            let origin = OriginRequestCounter(
                next: Answering(response: Response(status: .ok)), recorder: recorder, stampsPurges: true)
            recorder.purged(.tag("other"))
            var stored = try await origin.handle(request("/a"), context: context)
            #expect(stored.headerFields[PurgeStamp.name] == "1")
            stored.headerFields[HTTPField.Name("Cache-Tag")!] = "x, page"
            // A cache that serves what it stored whatever was purged since.
            let watcher = CacheAnswerWatcher(next: Answering(response: stored), recorder: recorder, checksPurges: true)
            var counts: [Int] = []
            for purge in [Scenario.Purge.url("/b"), .tag("page"), .prefix("/")] {
                recorder.purged(purge)
                _ = try await watcher.handle(request("/a"), context: context)
                counts.append(recorder.snapshot.cache?.purging?.servedAfterPurge ?? -1)
            }
            return counts
        }
        #expect(counted == [0, 1, 2])
    }

    @Test(
        "scopes cover as PurgeScope documents",
        arguments: [
            (Scenario.Purge.all, "/x", true),
            (.host("Simulated:8080"), "/x", true),
            (.host("other"), "/x", false),
            (.url("/a?b=1"), "/a?b=1", true),
            (.url("/a"), "/a?b=1", false),
            (.prefix("/blog/"), "/blog", true),
            (.prefix("/blog"), "/blog/1", true),
            (.prefix("/blog"), "/blogger", false),
            (.prefix("/"), "/anything", true),
        ])
    func covers(_ purge: Scenario.Purge, _ path: String, _ covered: Bool) {
        #expect(purge.covers(host: "simulated", pathAndQuery: path, tags: []) == covered)
    }
}

@Suite("Purges in the scenario format")
struct PurgeFormatTests {
    @Test("purge events, the reaper, cacheTags, mix windows and the new expectations parse and encode back")
    func parses() throws {
        let scenario = try Scenario(
            yaml: """
                duration: 100s
                targets: [{name: a, cacheControl: "max-age=60", cacheTags: [catalogue, product-42]}]
                timeline:
                  - {at: 10s, purge: all}
                  - {at: 20s, purge: {url: /a?b=1}}
                  - {at: 30s, purge: {prefix: /blog}}
                  - {at: 40s, purge: {tag: product-42}}
                  - {at: 50s, purge: {host: simulated}}
                workload:
                  rate: 10
                  mix: [{path: /a, to: 40s}, {path: /blog, from: 20s, to: 60s, weight: 2}]
                stack: {cache: {reaper: {interval: 30s, sliceSize: 10, pauseBetweenSlices: 2ms}}, balancer: round-robin}
                expect:
                  - servedAfterPurge: {atMost: 0}
                  - cacheBytes: {at: 95s, atMost: 0}
                  - cacheEntries: {at: 50s, atLeast: 1, atMost: 4}
                """, file: "purge.yaml")
        #expect(
            scenario.timeline.map(\.purge) == [
                .all, .url("/a?b=1"), .prefix("/blog"), .tag("product-42"), .host("simulated"),
            ])
        #expect(scenario.targets[0].cacheTags == ["catalogue", "product-42"])
        #expect(
            scenario.workload.mix.map(\.active) == [
                TimeWindow(to: .seconds(40)), TimeWindow(from: .seconds(20), to: .seconds(60)),
            ])
        #expect(
            scenario.stacks[0].cache?.reaper
                == Scenario.Cache.Reaper(
                    interval: .seconds(30), sliceSize: 10, pauseBetweenSlices: .milliseconds(2)))
        #expect(
            Scenario.Cache.Reaper()
                == Scenario.Cache.Reaper(interval: .seconds(60), sliceSize: 1_000, pauseBetweenSlices: .milliseconds(1))
        )
        #expect(
            scenario.expectations == [
                .cacheCount(.servedAfterPurge, atMost: 0), .cacheMemory(.cacheBytes, at: .seconds(95), atMost: 0),
                .cacheMemory(.cacheEntries, at: .seconds(50), atLeast: 1, atMost: 4),
            ])
        #expect(scenario.expectations[1].text == "cacheBytes(at: 1m35s, atMost: 0)")

        let encoded = try JSONEncoder().encode(scenario)
        #expect(try Scenario(json: String(decoding: encoded, as: UTF8.self), file: "encoded.json") == scenario)
    }

    @Test(
        "a bad purge, reaper, tag, mix window or purge expectation is an error at its field",
        arguments: [
            ("timeline: [{at: 1s, purge: {url: a}}]", "timeline[0].purge", "must start with /, got \"a\""),
            ("timeline: [{at: 1s, purge: {prefix: blog}}]", "timeline[0].purge", "must start with /"),
            ("timeline: [{at: 1s, purge: {tag: \"a b\"}}]", "timeline[0].purge", "a tag is 1 to 256 bytes"),
            ("timeline: [{at: 1s, purge: {host: \"a/b\"}}]", "timeline[0].purge", "a host is a name such as simulated"),
            (
                "timeline: [{at: 1s, purge: url}]", "timeline[0].purge.url",
                "purge url in timeline[0].purge needs a value"
            ),
            (
                "timeline: [{at: 1s, purge: {everything: /}}]", "timeline[0].purge.everything",
                "(expected one of: all, host, url, prefix, tag)"
            ),
            (
                "timeline: [{at: 1s}]", "timeline[0]",
                "changes nothing (give target and become, wallClockStep, redis or purge)"
            ),
            ("cache: {reaper: {interval: 0s}}", "stacks[0].cache.reaper.interval", "must be positive, got 0s"),
            (
                "cache: {reaper: {sliceSize: 0}}", "stacks[0].cache.reaper.sliceSize",
                "must be between 1 and 1000000, got 0"
            ),
            (
                "cache: {reaper: {pauseBetweenSlices: -1ms}}", "stacks[0].cache.reaper.pauseBetweenSlices",
                "must not be negative"
            ),
            (
                "cache: {reaper: {intervl: 1s}}", "stacks[0].cache.reaper.intervl",
                "(expected one of: interval, sliceSize, pauseBetweenSlices)"
            ),
            ("targets: [{name: a, cacheTags: [\"x,y\"]}]", "targets[0].cacheTags[0]", "a tag is 1 to 256 bytes"),
            (
                "workload: {rate: 1, mix: [{path: /, from: 5s, to: 5s}]}", "workload.mix[0].to",
                "must be after from (5s), got 5s"
            ),
            (
                "expect: [{servedAfterPurge: {stack: cached, atMost: 0}}]", "expect[0].servedAfterPurge.stack",
                #"stack "cached" has no reaper and the timeline never purges"#
            ),
            (
                "expect: [{cacheBytes: {stack: cached, at: 1s, atMost: 0}}]", "expect[0].cacheBytes.stack",
                "has no reaper"
            ),
            (
                "expect: [{cacheEntries: {stack: plain, at: 1s, atMost: 0}}]", "expect[0].cacheEntries.stack",
                #"stack "plain" has no cache"#
            ),
            (
                "cache: {reaper: {}}\nexpect: [{cacheBytes: {stack: cached, at: 1m, atMost: 0}}]",
                "expect[0].cacheBytes.at",
                "must be between 0 and the end of the drain (40s), got 1m"
            ),
            (
                "cache: {reaper: {}}\nexpect: [{cacheBytes: {stack: cached, at: 1s}}]", "expect[0].cacheBytes",
                "needs atLeast, atMost or both"
            ),
        ])
    func refusesBadValues(_ section: String, _ field: String, _ message: String) {
        // Each line of `section` replaces the section it names (`cache` the cached stack's options).
        var sections = [
            "targets": "targets: [{name: a}]", "workload": "workload: {rate: 1}", "timeline": "", "expect": "",
            "cache": "cache: {}",
        ]
        for line in section.split(separator: "\n") {
            if let name = line.split(separator: ":").first { sections[String(name)] = String(line) }
        }
        let yaml = """
            duration: 10s
            \(sections["targets"] ?? "")
            \(sections["workload"] ?? "")
            \(sections["timeline"] ?? "")
            stacks:
              - {name: cached, balancer: round-robin, \(sections["cache"] ?? "")}
              - {name: plain, balancer: round-robin}
            \(sections["expect"] ?? "")
            """
        #expect {
            try Scenario(yaml: yaml, file: "bad.yaml")
        } throws: { error in
            let error = try #require(error as? ScenarioError)
            return error.field == field && error.description.contains(message) && error.line != nil
        }
    }

    @Test("a purge needs a cached stack")
    func purgeNeedsACache() {
        #expect {
            try Scenario(
                yaml: """
                    duration: 10s
                    targets: [{name: a}]
                    timeline: [{at: 1s, purge: all}]
                    workload: {rate: 1}
                    stack: {balancer: round-robin}
                    """, file: "uncached.yaml")
        } throws: { error in
            let error = try #require(error as? ScenarioError)
            return error.field == "timeline[0].purge"
                && error.description.contains("no stack has a cache, so nothing is purged")
        }
    }
}

/// A handler answering `response` to everything.
private struct Answering: Handler {
    let response: Response

    func handle(_ request: Request, context: RequestContext) async throws -> Response {
        response
    }
}
