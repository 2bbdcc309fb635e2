import Foundation
import ParapetScenarios
import ParapetSimulation
import ParapetUpstream
import Testing

/// A small scenario using most of the format, in YAML.
let sampleYAML = """
    name: sample
    summary: one of everything
    seed: 99
    duration: 30s
    drain: 2s
    targets:
      - name: a
        weight: 2
        maxConcurrent: 8
        latency: {logNormal: {median: 20ms, sigma: 0.5}}
        capacity: {concurrency: 4, queue: 8, whenFull: refused}
      - name: b
        latency: {empirical: [10ms, 12ms, 30ms]}
        behaviour: {flapping: {up: 5s, down: 1s, downAs: 503}}
      - {name: c, latency: {uniform: {min: 5ms, max: 15ms}}, behaviour: {errors: {rate: 0.1, answer: reset}}}
    timeline:
      - {at: 10s, target: a, become: {gray: {slowdown: 4}}}
      - {at: 12s, target: c, become: {coldStart: {warmup: 3s, unready: blackHole}}, latency: 8ms}
      - {at: 15s, wallClockStep: -2s}
    workload:
      rate: 20
      bursts: [{from: 5s, to: 8s, multiplier: 2}]
      mix: [{method: GET, path: /, weight: 3}, {method: POST, path: /orders, weight: 1}]
    stacks:
      - name: full
        upstream: {retries: 2, backoff: 20ms}
        deadline: 2s
        hedging: {hedgeDelay: 40ms, maxHedge: 1}
        healthCheck: {interval: 1s, timeout: 500ms, unhealthyThreshold: 2}
        balancer: {type: circuit-breaker, failureThreshold: 3, openTimeout: 2s, failOn5xx: true}
        transportTimeout: 1s
      - name: plain
        balancer: round-robin
    expect:
      - successRatio: {stack: full, atLeast: 0.5, from: 1s}
      - latency: {stack: full, percentile: 99, atMost: 5s}
      - noTraffic: {stack: full, target: a, while: open}
      - maxInFlight: {stack: full, atMost: 100}
      - better: {stack: full, than: plain, metric: successRatio}
    report: {buckets: 10, resolution: 50ms}
    """

/// The same scenario in JSON.
let sampleJSON = """
    {
      "name": "sample", "summary": "one of everything", "seed": 99, "duration": "30s", "drain": "2s",
      "targets": [
        {"name": "a", "weight": 2, "maxConcurrent": 8, "latency": {"logNormal": {"median": "20ms", "sigma": 0.5}},
         "capacity": {"concurrency": 4, "queue": 8, "whenFull": "refused"}},
        {"name": "b", "latency": {"empirical": ["10ms", "12ms", "30ms"]},
         "behaviour": {"flapping": {"up": "5s", "down": "1s", "downAs": 503}}},
        {"name": "c", "latency": {"uniform": {"min": "5ms", "max": "15ms"}}, "behaviour": {"errors": {"rate": 0.1, "answer": "reset"}}}
      ],
      "timeline": [
        {"at": "10s", "target": "a", "become": {"gray": {"slowdown": 4}}},
        {"at": "12s", "target": "c", "become": {"coldStart": {"warmup": "3s", "unready": "blackHole"}}, "latency": "8ms"},
        {"at": "15s", "wallClockStep": "-2s"}
      ],
      "workload": {"rate": 20, "bursts": [{"from": "5s", "to": "8s", "multiplier": 2}],
                   "mix": [{"method": "GET", "path": "/", "weight": 3}, {"method": "POST", "path": "/orders", "weight": 1}]},
      "stacks": [
        {"name": "full", "upstream": {"retries": 2, "backoff": "20ms"}, "deadline": "2s", "hedging": {"hedgeDelay": "40ms", "maxHedge": 1},
         "healthCheck": {"interval": "1s", "timeout": "500ms", "unhealthyThreshold": 2},
         "balancer": {"type": "circuit-breaker", "failureThreshold": 3, "openTimeout": "2s", "failOn5xx": true},
         "transportTimeout": "1s"},
        {"name": "plain", "balancer": "round-robin"}
      ],
      "expect": [
        {"successRatio": {"stack": "full", "atLeast": 0.5, "from": "1s"}},
        {"latency": {"stack": "full", "percentile": 99, "atMost": "5s"}},
        {"noTraffic": {"stack": "full", "target": "a", "while": "open"}},
        {"maxInFlight": {"stack": "full", "atMost": 100}},
        {"better": {"stack": "full", "than": "plain", "metric": "successRatio"}}
      ],
      "report": {"buckets": 10, "resolution": "50ms"}
    }
    """

@Suite("Scenario loading")
struct ScenarioLoadingTests {
    @Test("YAML and JSON spellings of a scenario decode to the same value")
    func yamlEqualsJSON() throws {
        let yaml = try Scenario(yaml: sampleYAML, file: "sample.yaml")
        let json = try Scenario(json: sampleJSON, file: "sample.json")
        #expect(yaml == json)
        #expect(yaml.targets.map(\.name) == ["a", "b", "c"])
        #expect(yaml.targets[1].behaviour == .flapping(up: .seconds(5), down: .seconds(1), downAs: .status(503)))
        #expect(yaml.stacks[0].balancer == .circuitBreaker(.init(failureThreshold: 3, openTimeout: .seconds(2)), failOn5xx: true))
        #expect(yaml.expectations[2] == .noTrafficWhileOpen(target: "a", stack: "full"))
        #expect(yaml.timeline[2].wallClockStep == .seconds(-2))
    }

    @Test("encoding a scenario and decoding it again gives it back (JSONEncoder, the node decoder and JSONDecoder)")
    func roundTrips() throws {
        let scenario = try Scenario(yaml: sampleYAML, file: "sample.yaml")
        let encoded = try JSONEncoder().encode(scenario)
        #expect(try Scenario(json: String(decoding: encoded, as: UTF8.self), file: "encoded.json") == scenario)
        #expect(try JSONDecoder().decode(Scenario.self, from: encoded) == scenario)
    }

    @Test("the public Decodable route validates like the loaders, and refuses huge numbers instead of trapping")
    func decodableRouteValidates() throws {
        func json(duration: String = "60", latency: String = "{\"fixed\": \"10ms\"}") -> Data {
            Data(
                """
                {"duration": \(duration), "targets": [{"name": "a", "latency": \(latency)}],
                 "workload": {"rate": 10}, "stack": {"balancer": "round-robin"}}
                """.utf8)
        }
        #expect(try JSONDecoder().decode(Scenario.self, from: json()).duration == .seconds(60))
        // Each of these trapped converting 1e300 seconds to nanoseconds.
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Scenario.self, from: json(duration: "1e300")) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Scenario.self, from: json(duration: "-1e300")) }
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(Scenario.self, from: json(latency: "{\"empirical\": [0.01, 1e300]}"))
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Milliseconds.self, from: Data("1e300".utf8)) }
        #expect(try JSONDecoder().decode(Milliseconds.self, from: Data("1500.25".utf8)).wrappedValue == .microseconds(1_500_250))

        // Values the loaders refuse were decoded without a word before.
        #expect {
            try JSONDecoder().decode(Scenario.self, from: json(duration: "-5"))
        } throws: { error in
            guard case .dataCorrupted(let context) = error as? DecodingError else { return false }
            return context.codingPath.map(\.stringValue) == ["duration"] && context.debugDescription.contains("must be positive")
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Scenario.self, from: json(duration: "864000")) }
    }

    @Test("a single stack may be written as stack:, and defaults fill in")
    func singleStack() throws {
        let scenario = try Scenario(yaml: """
            duration: 10s
            targets: [{name: a}]
            workload: {clients: 4}
            stack: {balancer: least-connections}
            """, file: "tiny.yaml")
        #expect(scenario.name == "scenario")
        #expect(scenario.stacks.map(\.name) == ["least-connections"])
        #expect(scenario.workload.arrivals == .closedLoop(clients: 4, thinkTime: .fixed(.zero)))
        #expect(scenario.targets[0].latency == .fixed(.milliseconds(10)))
    }

    @Test("fragments decode on their own")
    func fragments() throws {
        #expect(try Scenario.decodeFragment(LatencyDistribution.self, yaml: "20ms") == .fixed(.milliseconds(20)))
        #expect(try Scenario.decodeFragment(BackendBehaviour.self, yaml: "dead") == .dead(after: .milliseconds(1)))
        #expect(try Scenario.decodeFragment(FailureAnswer.self, yaml: "503") == .status(503))
    }

    @Test("loading a file names it in errors")
    func loadsFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parapet-sim-\(UInt64.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.json")
        try Data(sampleJSON.utf8).write(to: good)
        #expect(try Scenario.load(contentsOf: good).name == "sample")
        let bad = folder.appendingPathComponent("bad.yaml")
        try Data("duration: 5s\nbogus: 1\n".utf8).write(to: bad)
        #expect(throws: ScenarioError.self) { try Scenario.load(contentsOf: bad) }
        do {
            _ = try Scenario.load(contentsOf: bad)
        } catch let error as ScenarioError {
            #expect(error.description.hasPrefix("bad.yaml:2:1: unknown field \"bogus\" in scenario"))
        }
    }
}
