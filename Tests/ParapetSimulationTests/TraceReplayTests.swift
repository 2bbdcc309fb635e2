import Foundation
import ParapetScenarios
import ParapetSimulation
import ParapetTestSupport
import Testing

/// Per target: the share of each outcome and the latency percentiles in a trace.
struct TargetProfile {
    var count = 0
    var outcomes: [String: Int] = [:]
    var latencies: [Duration] = []

    /// The exact nearest-rank percentile.
    func percentile(_ percentile: Double) -> Double {
        let sorted = latencies.sorted()
        let rank = max(1, Int((percentile / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1].inMillis
    }

    func share(_ outcome: String) -> Double {
        Double(outcomes[outcome] ?? 0) / Double(max(count, 1))
    }
}

func profiles(_ trace: RequestTrace) -> [String: TargetProfile] {
    var profiles: [String: TargetProfile] = [:]
    for entry in trace.entries {
        guard let target = entry.target else { continue }
        profiles[target, default: TargetProfile()].count += 1
        profiles[target, default: TargetProfile()].outcomes[entry.outcome.text, default: 0] += 1
        profiles[target, default: TargetProfile()].latencies.append(entry.latency)
    }
    return profiles
}

@Suite("Request traces and replay", .cpuHeavy)
struct TraceReplayTests {
    @Test("a trace recorded from one stack, replayed against another, reproduces each target's status mix and latency within 1%")
    func replayMatches() async throws {
        let recorded = Scenario(
            name: "recorded", seed: 5, duration: .seconds(60), drain: .seconds(5),
            targets: [
                .init("a", latency: .logNormal(median: .milliseconds(20), sigma: 0.3), behaviour: .errors(rate: 0.1, answer: .status(503))),
                .init("b", latency: .uniform(min: .milliseconds(5), max: .milliseconds(50))),
                .init("c", latency: .logNormal(median: .milliseconds(30), sigma: 0.25), behaviour: .errors(rate: 0.05, answer: .reset)),
            ],
            workload: .poisson(rate: 200), stacks: [.init(balancer: .roundRobin)])
        let original = try #require(try await ScenarioRunner.run(recorded, options: .init(recordsTrace: true)).stack().trace)
        #expect(original.entries.count > 11_000)

        // Through CSV and back, as a trace from a file would come.
        let parsed = try RequestTrace(csv: original.csv, file: "recorded.csv")
        #expect(parsed.entries.count == original.entries.count)
        #expect(try RequestTrace(jsonLines: original.jsonLines).csv == parsed.csv)

        let replay = parsed.replayScenario(name: "replay", stacks: [.init(balancer: .leastConnections)])
        #expect(replay.targets.map(\.name) == ["a", "b", "c"])
        let replayed = try #require(try await ScenarioRunner.run(replay, options: .init(recordsTrace: true)).stack().trace)
        #expect(replayed.entries.map(\.time) == parsed.entries.map(\.time))

        let before = profiles(parsed)
        let after = profiles(replayed)
        for target in ["a", "b", "c"] {
            let (old, new) = (try #require(before[target]), try #require(after[target]))
            for outcome in ["200", "503", "reset"] {
                #expect(abs(old.share(outcome) - new.share(outcome)) <= 0.01, "\(target) \(outcome)")
            }
            for percentile in [50.0, 90, 99] {
                let (was, now) = (old.percentile(percentile), new.percentile(percentile))
                #expect(abs(now - was) / was <= 0.01, "\(target) p\(percentile): \(was) → \(now)")
            }
        }
        // Least-connections routes differently from the recorded round-robin.
        #expect(after.mapValues(\.count) != before.mapValues(\.count))
    }

    @Test("malformed trace lines are rejected with file, line and column")
    func malformedTraces() {
        #expect {
            try RequestTrace(csv: "time_ms,target,status,latency_ms\n1.0,a,200,5.0\n2.0,a,teapot,5.0\n", file: "t.csv")
        } throws: { error in
            (error as? ScenarioError)?.description == "t.csv:3:7: invalid status \"teapot\": expected a status code or refused, reset, timeout, shed, unfinished"
        }
        #expect {
            try RequestTrace(jsonLines: "{\"time_ms\": 1, \"target\": \"a\", \"status\": 200, \"latency_ms\": -4}\n", file: "t.jsonl")
        } throws: { error in
            (error as? ScenarioError)?.description.hasPrefix("t.jsonl:1:") == true
        }
        #expect(throws: ScenarioError.self) { try RequestTrace(csv: "1,2,3\n") }
    }

    @Test("CRLF trace files parse like LF ones, in CSV and JSON lines")
    func crlfTraces() throws {
        let csv = "time_ms,target,status,latency_ms\n# recorded\n12.500,a,200,20.125\n\n13.000,-,shed,0.000\n"
        let lf = try RequestTrace(csv: csv, file: "lf.csv")
        #expect(lf.entries.count == 2)
        let crlf = try RequestTrace(csv: csv.replacingOccurrences(of: "\n", with: "\r\n"), file: "crlf.csv")
        #expect(crlf == lf)

        let jsonLines = lf.jsonLines
        let crlfJSON = try RequestTrace(jsonLines: jsonLines.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(crlfJSON == lf)

        // Line numbers in errors count CRLF lines.
        #expect {
            try RequestTrace(csv: "time_ms,target,status,latency_ms\r\n1.0,a,200,5.0\r\n2.0,a,teapot,5.0\r\n", file: "t.csv")
        } throws: { error in
            (error as? ScenarioError)?.description.hasPrefix("t.csv:3:7: invalid status") == true
        }
    }

    /// Found by FuzzTrace: a target starting with a tab and a combining mark parsed, but its JSON lines
    /// did not parse back.
    @Test("a parsed trace writes CSV and JSON lines that parse back to the same entries", arguments: [
        "0,\t\u{740},503,1", "0,\u{740},200,1", "0,a\u{1},200,1", "0,\"a\\\",200,1",
    ])
    func writtenTracesParseBack(csv: String) throws {
        let trace = try RequestTrace(csv: csv)
        #expect(try RequestTrace(csv: trace.csv) == trace)
        #expect(try RequestTrace(jsonLines: trace.jsonLines) == trace)
    }
}

extension Duration {
    var inMillis: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) * 1e-15
    }
}
