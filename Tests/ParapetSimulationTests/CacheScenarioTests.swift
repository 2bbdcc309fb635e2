import Foundation
import ParapetScenarios
import ParapetSimulation
import ParapetTestSupport
import Testing

/// Five requests for one page behind two caches, with every answer's timing fixed: a miss at 0s (the origin
/// answers in 10ms, `max-age=10`), a request collapsed onto it at 5ms, a hit at 1s, then the page stale at
/// 12s (2s past freshness) and at 27s (5s past), after the origin died at 20s.
private let tinyCacheScenario = """
    name: tiny-cache
    duration: 30s
    drain: 5s
    targets:
      - {name: a, latency: 10ms, cacheControl: "max-age=10"}
    timeline:
      - {at: 20s, target: a, become: dead}
    workload:
      arrivals: [0s, 5ms, 1s, 12s, 27s]
      mix: [{path: /page}]
    stacks:
      - name: revalidating
        cache: {}
        balancer: round-robin
      - name: background
        cache: {staleWhileRevalidate: 1m}
        balancer: round-robin
      - name: round-robin
        balancer: round-robin
    expect:
      - originRequests: {stack: revalidating, atLeast: 3, atMost: 3}
      - staleAnswers: {stack: background, atMost: 1}
      - cacheHits: {stack: background, atLeast: 2}
    """

@Suite("Cache in scenarios", .cpuHeavy)
struct CacheScenarioTests {
    @Test("a cache's answers, origin requests and staleness, exactly, in virtual time")
    func exactCounts() async throws {
        let report = try await Scenario(yaml: tinyCacheScenario, file: "tiny.yaml").run()

        // Revalidating: the stale page is fetched again at 12s; at 27s the dead origin's 502 gets the
        // stale page instead (staleIfUnreachable, an hour by default).
        let revalidating = report.stack("revalidating")
        #expect(revalidating.composition == "cache > upstream(retries: 0) > round-robin")
        #expect(revalidating.successes == 5)
        let cache = try #require(revalidating.cache)
        #expect(cache.originRequests == 3)
        #expect(
            [cache.hits, cache.misses, cache.collapsedAnswers, cache.revalidated, cache.forwarded] == [1, 1, 1, 1, 0]
                as [Int])
        #expect(cache.staleAnswers == 1)
        #expect(cache.staleReasons == [StatusCount(status: "origin-unreachable", count: 1)])
        // Answered at 27.001s, once the dead origin refused: 5.001s stale, which a whole-second ttl (-6) rounds up.
        #expect([cache.maxStaleness, cache.meanStaleness] == [Duration.seconds(6), .seconds(6)])
        #expect(cache.byteBudget == Scenario.Cache.defaultByteBudget)

        // Within stale-while-revalidate both stale requests are answered at once and revalidated behind
        // them, on the simulator's spawner: the one at 12s refreshes the page, the one at 27s fails.
        let background = report.stack("background")
        #expect(background.composition == "cache(staleWhileRevalidate: 1m) > upstream(retries: 0) > round-robin")
        let swr = try #require(background.cache)
        #expect(swr.originRequests == 3)
        #expect([swr.hits, swr.misses, swr.collapsedAnswers, swr.revalidated] == [1, 1, 1, 0] as [Int])
        #expect(swr.staleReasons == [StatusCount(status: "stale-while-revalidate", count: 2)])
        #expect([swr.maxStaleness, swr.meanStaleness] == [Duration.seconds(5), .milliseconds(3_500)])
        #expect(background.target("a").requests == 3)

        #expect(report.stack("round-robin").cache == nil)
        #expect(report.stack("round-robin").target("a").requests == 5)

        #expect(report.expectations.map(\.passed) == [true, false, false])
        #expect(report.expectations[0].message == "revalidating: originRequests 3 ≥ 3 and ≤ 3")
        #expect(report.expectations[1].message == "background: staleAnswers 2 exceeds 1")
        #expect(report.expectations[2].message == "background: cacheHits 1 is below 2")
        #expect(report.expectations[1].expectation == "staleAnswers(stack: background, atMost: 1)")

        #expect(
            report.text.contains(
                "  cache: origin requests 3  hits 1  misses 1  stale 2 (stale-while-revalidate 2)  collapsed 1  revalidated 0  forwarded 0\n"
                    + "  stale answers past freshness: max 5.000s, mean 3.500s\n"))
        let json = try report.jsonText()
        #expect(json.contains("\"maxStaleness\" : 5000"))
        #expect(
            report.html().contains(
                "<p class=\"stats cache\">cache: origin requests 3 · hits 1 · misses 1 · stale 1 (origin-unreachable 1)"
            ))
    }

    @Test("a spike sends every request at one instant")
    func spike() async throws {
        let scenario = try Scenario(
            yaml: """
                duration: 2s
                drain: 1s
                targets: [{name: a, latency: 10ms, cacheControl: "max-age=60"}]
                workload: {spike: {requests: 500, at: 1s}}
                stack: {cache: {}, balancer: round-robin}
                expect: [{collapsedAnswers: {atLeast: 499, atMost: 499}}]
                """, file: "spike.yaml")
        #expect(scenario.workload.arrivals == .spike(requests: 500, at: .seconds(1)))
        let report = try await scenario.run()
        #expect(report.passed, "\(report.failures.map(\.message))")
        #expect(report.stack().requests == 500)
        #expect(report.stack().latency.p50 == .milliseconds(10) && report.stack().latency.max == .milliseconds(10))
        #expect(report.stack().cache?.originRequests == 1)
    }
}

@Suite("Cache in the scenario format")
struct CacheFormatTests {
    @Test("cache: takes the options that shape a run; fields left out keep the real Cache defaults")
    func parsesTheCache() throws {
        let scenario = try Scenario(
            yaml: """
                duration: 10s
                targets: [{name: a, cacheControl: "max-age=60, stale-if-error=600"}]
                workload: {rate: 10}
                stacks:
                  - {name: full, balancer: round-robin,
                     cache: {byteBudget: 1048576, staleIfError: 10m, staleWhileRevalidate: 30s, staleIfUnreachable: 0, lockTimeout: 500ms}}
                  - {name: plain, balancer: round-robin, cache: {}}
                expect:
                  - originRequests: {stack: full, atMost: 10}
                  - cacheMisses: {stack: plain, atLeast: 1}
                """, file: "cache.yaml")
        #expect(scenario.targets[0].cacheControl == "max-age=60, stale-if-error=600")
        #expect(
            scenario.stacks[0].cache
                == Scenario.Cache(
                    byteBudget: 1 << 20, staleIfError: .seconds(600), staleWhileRevalidate: .seconds(30),
                    staleIfUnreachable: .zero,
                    lockTimeout: .milliseconds(500)))
        let defaults = try #require(scenario.stacks[1].cache)
        #expect(defaults.byteBudget == 64 << 20)
        #expect([defaults.staleIfError, defaults.staleWhileRevalidate] == [.zero, .zero])
        #expect(defaults.staleIfUnreachable == .seconds(3_600) && defaults.lockTimeout == .seconds(2))
        #expect(
            scenario.expectations == [
                .cacheCount(.originRequests, atMost: 10, stack: "full"),
                .cacheCount(.cacheMisses, atLeast: 1, stack: "plain"),
            ])

        let encoded = try JSONEncoder().encode(scenario)
        #expect(try Scenario(json: String(decoding: encoded, as: UTF8.self), file: "encoded.json") == scenario)
    }

    @Test(
        "a bad cache, spike, cacheControl or cache expectation is an error at its field",
        arguments: [
            (
                "cache: {staleIfError: -1s}", "", "stacks[0].cache.staleIfError",
                #"invalid value for "staleIfError" in stacks[0].cache: must not be negative, got -1s"#
            ),
            ("cache: {byteBudget: 0}", "", "stacks[0].cache.byteBudget", "must be between 1 and"),
            (
                "cache: {lockTimeot: 1s}", "", "stacks[0].cache.lockTimeot",
                "(expected one of: byteBudget, staleIfError, staleWhileRevalidate, staleIfUnreachable, lockTimeout, reaper)"
            ),
            (
                "cache: {}", "expect: [{originRequests: {stack: rr}}]", "expect[0].originRequests",
                "needs atLeast, atMost or both"
            ),
            (
                "cache: {}", "expect: [{staleAnswers: {stack: rr, atLeast: 5, atMost: 2}}]",
                "expect[0].staleAnswers.atMost", "must be between 5 and"
            ),
            (
                "cache: {}", "expect: [{cacheHits: {stack: plain, atLeast: 1}}]", "expect[0].cacheHits.stack",
                #"stack "plain" has no cache"#
            ),
            (
                "cache: {}", "workload: {spike: {requests: 10, at: 10s}}", "workload.spike.at",
                "must be before the end of traffic (10s), got 10s"
            ),
            (
                "cache: {}", "workload: {spike: {requests: 0}}", "workload.spike.requests",
                "must be between 1 and 1000000, got 0"
            ),
            ("cache: {}", "workload: {rate: 1, spike: {requests: 1}}", "workload.spike", "needs exactly one of rate"),
            (
                "cache: {}", "targets: [{name: a, cacheControl: \"\"}]", "targets[0].cacheControl",
                "must be a non-empty field value"
            ),
        ])
    func refusesBadValues(_ cache: String, _ section: String, _ field: String, _ message: String) {
        // `section` replaces the section it names.
        var sections = ["targets": "targets: [{name: a}]", "workload": "workload: {rate: 1}", "expect": "expect: []"]
        if let name = section.split(separator: ":").first { sections[String(name)] = section }
        let yaml = """
            duration: 10s
            \(sections["targets"] ?? "")
            \(sections["workload"] ?? "")
            stacks:
              - {name: rr, balancer: round-robin, \(cache)}
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
}
