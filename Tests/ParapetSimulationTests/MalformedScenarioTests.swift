import Foundation
import ParapetScenarios
import ParapetSimulation
import Testing

/// One malformed scenario file and the error it must give.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var file: String
    var text: String
    var line: Int
    var column: Int
    var field: String
    var kind: ScenarioError.Kind
    /// The message after `file:line:column: `.
    var message: String

    var testDescription: String { "\(file): \(kind)" }
}

/// A valid scenario to break: targets on lines 2–4, the timeline on 5–6, the workload on 7, stacks on 8–12,
/// expectations on 13–14.
func scenarioText(
    duration: String = "30s", timelineTarget: String = "b", rate: String = "10", stackKey: String = "balancer",
    balancer: String = "round-robin", expectStack: String = "rr", extra: String = ""
) -> String {
    """
    duration: \(duration)
    targets:
      - {name: a}
      - {name: b, behaviour: {errors: {rate: 0.5}}}
    timeline:
      - {at: 10s, target: \(timelineTarget), become: dead}
    workload: {rate: \(rate)}
    stacks:
      - name: rr
        \(stackKey): \(balancer)
      - name: breaker
        balancer: {type: circuit-breaker}
    expect:
      - successRatio: {stack: \(expectStack), atLeast: 0.5}
    \(extra)
    """
}

let malformedCases: [MalformedCase] = [
    MalformedCase(
        file: "misspelt-field.yaml", text: scenarioText(stackKey: "balancr"), line: 10, column: 5, field: "stacks[0].balancr",
        kind: .unknownField,
        message: #"unknown field "balancr" in stacks[0] (expected one of: name, balancer, healthCheck, hedging, upstream, deadline, transportTimeout, rateLimit, cache)"#),
    MalformedCase(
        file: "misspelt-option.yaml", text: scenarioText(balancer: "{type: circuit-breaker, failureTreshold: 3}"), line: 10,
        column: 39, field: "stacks[0].balancer.failureTreshold", kind: .unknownField,
        message: #"unknown field "failureTreshold" in stacks[0].balancer (expected one of: type, failOn5xx, failureThreshold, successThreshold, openTimeout, maxOpenTimeout, probeTimeout, halfOpenMaxProbes)"#),
    MalformedCase(
        file: "top-level.yaml", text: scenarioText(extra: "duraton: 5s"), line: 15, column: 1, field: "duraton", kind: .unknownField,
        message: #"unknown field "duraton" in scenario (expected one of: name, summary, seed, duration, drain, targets, timeline, workload, redis, stack, stacks, expect, report)"#),
    MalformedCase(
        file: "wrong-type.yaml", text: scenarioText(rate: "fast"), line: 7, column: 18, field: "workload.rate", kind: .wrongType,
        message: #"wrong type for "rate" in workload: expected a number, found the string "fast""#),
    MalformedCase(
        file: "negative.yaml", text: scenarioText(duration: "-5s"), line: 1, column: 11, field: "duration", kind: .invalidValue,
        message: #"invalid value for "duration" in scenario: must be positive, got -5s"#),
    MalformedCase(
        file: "no-unit.yaml", text: scenarioText(duration: "30"), line: 1, column: 11, field: "duration", kind: .invalidValue,
        message: #"invalid duration for "duration" in scenario: "30" has no unit (write 30s or 30ms)"#),
    MalformedCase(
        file: "unknown-target.yaml", text: scenarioText(timelineTarget: "z"), line: 6, column: 23, field: "timeline[0].target",
        kind: .unknownReference, message: #"unknown target "z" in timeline[0] (known targets: a, b)"#),
    MalformedCase(
        file: "unknown-balancer.yaml", text: scenarioText(balancer: "roundrobin"), line: 10, column: 15, field: "stacks[0].balancer",
        kind: .unknownReference,
        message: #"unknown balancer "roundrobin" (expected one of: round-robin, weighted-round-robin, least-connections, ejecting, circuit-breaker, latency-ejecting)"#),
    MalformedCase(
        file: "unknown-balancer-type.yaml", text: scenarioText(balancer: "{type: breaker}"), line: 10, column: 22,
        field: "stacks[0].balancer.type", kind: .unknownReference,
        message: #"unknown balancer "breaker" (expected one of: round-robin, weighted-round-robin, least-connections, ejecting, circuit-breaker, latency-ejecting)"#),
    MalformedCase(
        file: "unknown-stack.yaml", text: scenarioText(expectStack: "rrr"), line: 14, column: 27, field: "expect[0].successRatio.stack",
        kind: .unknownReference, message: #"unknown stack "rrr" in expect[0].successRatio (known stacks: rr, breaker)"#),
    MalformedCase(
        file: "rate-above-one.yaml", text: scenarioText().replacingOccurrences(of: "rate: 0.5", with: "rate: 1.5"), line: 4, column: 42,
        field: "targets[1].behaviour.errors.rate", kind: .invalidValue,
        message: #"invalid value for "rate" in targets[1].behaviour.errors: must be between 0 and 1, got 1.5"#),
    MalformedCase(
        file: "unknown-behaviour.yaml", text: scenarioText().replacingOccurrences(of: "become: dead", with: "become: deadd"), line: 6,
        column: 34, field: "timeline[0].become", kind: .unknownReference,
        message: #"unknown behaviour "deadd" in timeline[0].become (expected one of: healthy, errors, dead, blackHole, flapping, gray, coldStart, recorded)"#),
    MalformedCase(
        file: "missing-targets.yaml", text: "duration: 5s\nworkload: {rate: 1}\nstack: {balancer: round-robin}\n", line: 1, column: 1,
        field: "", kind: .missingField, message: #"missing field "targets" in scenario"#),
    MalformedCase(
        file: "empty.yaml", text: "", line: 1, column: 1, field: "", kind: .emptyFile,
        message: "the file is empty: expected a scenario mapping"),
    MalformedCase(
        file: "comments.yaml", text: "# nothing here\n\n# at all\n", line: 1, column: 1, field: "", kind: .emptyFile,
        message: "the file is empty: expected a scenario mapping"),
    MalformedCase(
        file: "not-yaml.yaml", text: "duration: 5s\ntargets: [a, b\nworkload: {rate: 1}\n", line: 3, column: 9, field: "", kind: .syntax,
        message: "not valid YAML: did not find expected ',' or ']'"),
    MalformedCase(
        file: "list.yaml", text: "- a\n- b\n", line: 1, column: 1, field: "", kind: .wrongType,
        message: "wrong type for the scenario: expected a mapping, found a list"),
    MalformedCase(
        file: "duplicate-key.yaml", text: "duration: 5s\nduration: 6s\n", line: 2, column: 1, field: "duration", kind: .duplicate,
        message: #"duplicate field "duration""#),
    // Lines broken by CR alone, as YAML allows: found by FuzzScenario, which trapped counting lines by LF only.
    MalformedCase(
        file: "duplicate-key-cr.yaml", text: "\r\r\rduration: 5s\rduration: 6s\r", line: 5, column: 1, field: "duration",
        kind: .duplicate, message: #"duplicate field "duration""#),
    MalformedCase(
        file: "duplicate-target.yaml", text: scenarioText().replacingOccurrences(of: "{name: b,", with: "{name: a,"), line: 4,
        column: 12, field: "targets[1].name", kind: .duplicate, message: #"duplicate target "a" in targets"#),
    MalformedCase(
        file: "ambiguous-stack.yaml", text: scenarioText().replacingOccurrences(of: "{stack: rr, atLeast", with: "{atLeast"), line: 14,
        column: 19, field: "expect[0].successRatio", kind: .missingField,
        message: "missing field \"stack\" in expect[0].successRatio: the scenario has several stacks (rr, breaker)"),
    MalformedCase(
        file: "single-stack.yaml",
        text: "duration: 5s\ntargets: [{name: a}]\nworkload: {rate: 1}\nstack:\n  balancer: {type: ejecting, maxFails: 0}\n", line: 5,
        column: 40, field: "stack.balancer.maxFails", kind: .invalidValue,
        message: #"invalid value for "maxFails" in stack.balancer: must be at least 1, got 0"#),
    MalformedCase(
        file: "bad.json", text: "{\"duration\": \"5s\",\n \"targets\": [{\"name\": \"a\"},]\n}", line: 2, column: 28, field: "",
        kind: .syntax, message: "not valid JSON: expected a value"),
    MalformedCase(
        file: "unknown.json",
        text: "{\"duration\": \"5s\", \"targets\": [{\"name\": \"a\", \"wieght\": 2}],\n \"workload\": {\"rate\": 1}, \"stack\": {\"balancer\": \"round-robin\"}}",
        line: 1, column: 46, field: "targets[0].wieght", kind: .unknownField,
        message: #"unknown field "wieght" in targets[0] (expected one of: name, weight, maxConcurrent, latency, behaviour, capacity, cacheControl, cacheTags)"#),
    MalformedCase(
        file: "json-wrong-type.json", text: #"{"duration": "5s", "targets": {"name": "a"}, "workload": {"rate": 1}, "stack": {"balancer": "round-robin"}}"#,
        line: 1, column: 31, field: "targets", kind: .wrongType, message: #"wrong type for "targets" in scenario: expected a list, found a mapping"#),
]

@Suite("Malformed scenario files")
struct MalformedScenarioTests {
    @Test("each malformed file fails with a one-line error naming file, line, column and field", arguments: malformedCases)
    func failsWithLocatedError(_ testCase: MalformedCase) {
        do {
            _ = try Scenario(text: testCase.text, format: Scenario.Format(fileName: testCase.file), file: testCase.file)
            Issue.record("\(testCase.file) loaded")
        } catch {
            #expect(error.description == "\(testCase.file):\(testCase.line):\(testCase.column): \(testCase.message)")
            #expect(error.field == testCase.field)
            #expect(error.kind == testCase.kind)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("garbage never crashes the loader", arguments: [
        "{", "[", "\"", ":", "- - -", "a: [1, {b: }", "\u{0}", "duration: 1e999s", "seed: -1\n", "workload: {rate: 1e309}",
        "targets: [{name: a, latency: {logNormal: {median: 1ms, sigma: nan}}}]", "{\"a\": \"\\u12\"}", String(repeating: "[", count: 500),
        "duration: 99999999999999999999h", "duration: 2562047.9h", "duration: 2562047h59m", String(repeating: "[", count: 100_000), String(repeating: "{a: ", count: 50_000),
        "duration: 7d", "duration: 24h\ntargets: [{name: a}]\nworkload: {rate: 1}\nstack: {balancer: round-robin}\nreport: {resolution: 1ms}\n",
    ])
    func garbageThrows(_ text: String) {
        for format in [Scenario.Format.yaml, .json] {
            #expect(throws: ScenarioError.self) { try Scenario(text: text, format: format, file: "garbage") }
        }
    }
}

extension MalformedScenarioTests {
    @Test("replacing any value of a valid file by a strange one loads or fails with a ScenarioError, never anything else")
    func mutatedValues() {
        let lines = sampleYAML.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let replacements = ["-1", "0", "1e308", "\"\"", "[]", "{}", "x", "-5s", "nan", "~"]
        var loaded = 0
        var rejected = 0
        for (index, line) in lines.enumerated() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            for replacement in replacements {
                var mutated = lines
                mutated[index] = String(line[...colon]) + " " + replacement
                do {
                    _ = try Scenario(yaml: mutated.joined(separator: "\n"), file: "mutated.yaml")
                    loaded += 1
                } catch {
                    #expect(error.description.hasPrefix("mutated.yaml:"))
                    rejected += 1
                }
            }
        }
        #expect(rejected > 100)
        #expect(loaded > 0)
    }
}
