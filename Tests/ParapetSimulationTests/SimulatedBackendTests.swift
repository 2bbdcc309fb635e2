import HTTPTypes
import Logging
import ParapetCore
import ParapetSimulation
import ParapetSimulation
import ParapetUpstream
import Testing

/// A request context over `runtime` with a silent logger.
func quietContext(_ runtime: Runtime) -> RequestContext {
    RequestContext(
        connection: ConnectionInfo(peer: nil), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, runtime: runtime)
}

/// A `GET /` for `target`.
func getRequest(_ target: String? = nil) -> UpstreamRequest {
    UpstreamRequest(head: HTTPRequest(method: .get, scheme: "http", authority: "simulated", path: "/"), target: target)
}

@Suite("SimulatedBackend and SimulatedFleet")
struct SimulatedBackendTests {
    @Test("a healthy backend answers 200 after its latency, in virtual time")
    func answersAfterLatency() async throws {
        let (status, elapsed, count) = try await Simulation(seed: 1).run { runtime in
            let backend = SimulatedBackend(target: .init("a", latency: .fixed(.milliseconds(20))), runtime: runtime)
            let start = runtime.clock.now
            let answer = try await backend.roundTrip(getRequest(), context: quietContext(runtime))
            return (answer.response.status.code, runtime.clock.now - start, backend.requestCount)
        }
        #expect(status == 200)
        #expect(elapsed == .milliseconds(20))
        #expect(count == 1)
    }

    @Test("a dead backend refuses: UpstreamError.failed with connectionRefused")
    func deadRefuses() async throws {
        let failure = try await Simulation(seed: 1).run { runtime -> String in
            let backend = SimulatedBackend(target: .init("a", behaviour: .dead(after: .milliseconds(1))), runtime: runtime)
            do {
                _ = try await backend.roundTrip(getRequest(), context: quietContext(runtime))
                return "answered"
            } catch UpstreamError.failed(let target, let underlying as SimulatedNetworkFailure) {
                return "\(target ?? "?") \(underlying)"
            }
        }
        #expect(failure == "a connection refused")
    }

    @Test("a black hole hangs until the transport timeout")
    func blackHoleTimesOut() async throws {
        let (outcome, elapsed) = try await Simulation(seed: 1).run { runtime -> (String, Duration) in
            let backend = SimulatedBackend(target: .init("a", behaviour: .blackHole), runtime: runtime, transportTimeout: .seconds(2))
            let start = runtime.clock.now
            do {
                _ = try await backend.roundTrip(getRequest(), context: quietContext(runtime))
                return ("answered", runtime.clock.now - start)
            } catch UpstreamError.timedOut(let target) {
                return ("timed out at \(target ?? "?")", runtime.clock.now - start)
            }
        }
        #expect(outcome == "timed out at a")
        #expect(elapsed == .seconds(2))
    }

    @Test("hedging cancels the slow loser at once, and the backend sees the cancellation")
    func hedgingCancelsLoser() async throws {
        let (winner, elapsed, inFlight) = try await Simulation(seed: 1).run { runtime in
            let fleet = SimulatedFleet(
                targets: [.init("slow", latency: .fixed(.seconds(10))), .init("fast", latency: .fixed(.milliseconds(5)))], runtime: runtime)
            let hedged = HedgingBalancer(wrapping: RoundRobinBalancer(fleet.pool()), options: .init(hedgeDelay: .milliseconds(50)))
            let start = runtime.clock.now
            let answer = try await hedged.roundTrip(getRequest(), context: quietContext(runtime))
            return (answer.target ?? "?", runtime.clock.now - start, fleet.backends.map(\.inFlight))
        }
        #expect(winner == "fast")
        #expect(elapsed == .milliseconds(55))
        #expect(inFlight == [0, 0])
    }

    @Test("a finite capacity queues (latency grows) and then answers 503")
    func capacityQueues() async throws {
        let results = try await Simulation(seed: 1).run { runtime -> [String] in
            let backend = SimulatedBackend(
                target: .init("a", latency: .fixed(.milliseconds(100)), capacity: BackendCapacity(concurrency: 1, queue: 1)), runtime: runtime)
            let context = quietContext(runtime)
            return await withTaskGroup(of: String.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        let start = runtime.clock.now
                        let answer = try? await backend.roundTrip(getRequest(), context: context)
                        return "\(answer?.response.status.code ?? 0)@\(runtime.clock.now - start)"
                    }
                }
                var results: [String] = []
                for await result in group { results.append(result) }
                return results.sorted()
            }
        }
        #expect(results == ["200@0.1 seconds", "200@0.2 seconds", "503@0.0 seconds"])
    }

    @Test("the fleet answers by address; probes through probeTransport are counted apart")
    func fleetRoutesByAddress() async throws {
        let (target, requests, probes) = try await Simulation(seed: 1).run { runtime in
            let fleet = SimulatedFleet(targets: [.init("a"), .init("b")], runtime: runtime)
            let context = quietContext(runtime)
            let answer = try await fleet.roundTrip(getRequest("b"), context: context)
            _ = try await fleet.probeTransport.roundTrip(getRequest("b"), context: context)
            return (answer.target, fleet.backends.map(\.requestCount), fleet.backend(named: "b")?.probeCount)
        }
        #expect(target == "b")
        #expect(requests == [0, 1])
        #expect(probes == 1)
    }

    @Test("latencies come from the backend's own stream: adding a backend does not change another's draws")
    func independentStreams() async throws {
        func latencies(_ targets: [Scenario.Target]) async throws -> [Duration] {
            try await Simulation(seed: 9).run { runtime in
                let fleet = SimulatedFleet(targets: targets, runtime: runtime)
                var latencies: [Duration] = []
                for _ in 0..<5 {
                    let start = runtime.clock.now
                    _ = try await fleet.roundTrip(getRequest("a"), context: quietContext(runtime))
                    latencies.append(runtime.clock.now - start)
                }
                return latencies
            }
        }
        let jittery = LatencyDistribution.uniform(min: .milliseconds(1), max: .milliseconds(100))
        let alone = try await latencies([.init("a", latency: jittery)])
        let withNeighbour = try await latencies([.init("z", latency: jittery), .init("a", latency: jittery)])
        #expect(alone == withNeighbour)
        #expect(Set(alone).count > 1)
    }
}
