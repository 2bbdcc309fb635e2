import ParapetCore
import ParapetRateLimit
import ParapetSimulation
import Synchronization
import Testing

@Suite("Shared fixed window on a simulated Redis, in virtual time")
struct SharedFixedWindowCounterTests {
    typealias Decision = SharedFixedWindowCounter.Decision

    /// A decision and how long it took on the virtual clock.
    struct Timed: Hashable, Sendable {
        let decision: Decision
        let took: Duration
    }

    /// Runs `body` on a simulation whose wall clock starts at a whole minute, with a simulated Redis (1 ms
    /// round trips by default) and a counter on it.
    func withCounter<T: Sendable>(
        seed: UInt64 = 1, failureMode: SharedFixedWindowCounter.FailureMode = .open,
        latency: LatencyDistribution = .fixed(.milliseconds(1)), errors: ErrorLog = ErrorLog(),
        _ body: @escaping @Sendable (SharedFixedWindowCounter, SimulatedRedis, Simulation) async throws -> T
    ) throws -> T {
        let simulation = Simulation(seed: seed, wallClockStart: wholeMinute)
        return try simulation.run { runtime in
            let redis = SimulatedRedis(runtime: runtime, latency: latency)
            let counter = SharedFixedWindowCounter(
                store: redis, wallClock: runtime.wallClock, failureMode: failureMode
            ) { errors.record($0) }
            return try await body(counter, redis, simulation)
        }
    }

    @Test func countsWithinTheLimitThenLimitsUntilTheWindowEnds() throws {
        let decisions = try withCounter { counter, _, simulation in
            var decisions: [Decision] = []
            for _ in 0..<3 {
                decisions.append(await counter.take(key: "client", limit: 2, window: .seconds(60)))
            }
            try await simulation.clock.sleep(until: .at(.seconds(60)))
            decisions.append(await counter.take(key: "client", limit: 2, window: .seconds(60)))
            return decisions
        }
        // Each call takes 1 ms: the time to live runs down with it.
        #expect(
            decisions == [
                .allowed(count: 1, resetIn: .seconds(60)),
                .allowed(count: 2, resetIn: .milliseconds(59_999)),
                .limited(count: 3, retryAfter: .milliseconds(59_998)),
                .allowed(count: 1, resetIn: .seconds(60)),
            ])
    }

    @Test func aKeyExpiresAtTheEndOfItsWindowEvenIfTheWallClockStepsBack() throws {
        let decisions = try withCounter { counter, _, simulation in
            let first = await counter.take(key: "client", limit: 1, window: .seconds(10))
            try await simulation.clock.sleep(until: .at(.seconds(11)))
            // NTP pulls the proxy back into the first window; Redis's own clock is not moved, and the
            // window's key is gone: the count starts over.
            simulation.wallClock.set(to: .minute(plus: .seconds(5)))
            return [first, await counter.take(key: "client", limit: 1, window: .seconds(10))]
        }
        #expect(decisions == [.allowed(count: 1, resetIn: .seconds(10)), .allowed(count: 1, resetIn: .seconds(5))])
    }

    @Test(arguments: [SimulatedRedis.State.down, .partitioned])
    func anOutageFailsOpenWithinTheTimeout(state: SimulatedRedis.State) throws {
        let errors = ErrorLog()
        let (timed, timeout) = try withCounter(errors: errors) { counter, redis, simulation in
            redis.set(state)
            let start = simulation.clock.now
            let decision = await counter.take(key: "client", limit: 5, window: .seconds(60))
            return (Timed(decision: decision, took: simulation.clock.now - start), redis.timeout)
        }
        #expect(timeout == .milliseconds(100))
        #expect(timed == Timed(decision: .failedOpen, took: state == .down ? .zero : timeout))
        #expect(errors.descriptions == [state == .down ? "unavailable" : "timed out"])
    }

    @Test func failingClosedRefusesForTheRestOfTheWindow() throws {
        let decisions = try withCounter(failureMode: .closed) { counter, redis, simulation in
            try await simulation.clock.sleep(until: .at(.seconds(15)))
            redis.set(.partitioned)
            let cutOff = await counter.take(key: "client", limit: 5, window: .seconds(60))
            redis.set(.down)
            let down = await counter.take(key: "client", limit: 5, window: .seconds(60))
            return [cutOff, down]
        }
        // Both windows are located when the decision starts, 15 s and 15.1 s into the minute.
        #expect(
            decisions == [
                .failedClosed(retryAfter: .seconds(45)), .failedClosed(retryAfter: .milliseconds(44_900)),
            ])
    }

    @Test func aRedisSlowerThanTheTimeoutFailsAtTheTimeoutButCounts() throws {
        let timed = try withCounter { counter, redis, simulation in
            var timed: [Timed] = []
            for latency in [Duration.milliseconds(250), .milliseconds(1)] {
                redis.set(latency: .fixed(latency))
                let start = simulation.clock.now
                let decision = await counter.take(key: "client", limit: 5, window: .seconds(60))
                timed.append(Timed(decision: decision, took: simulation.clock.now - start))
            }
            return timed
        }
        #expect(
            timed == [
                Timed(decision: .failedOpen, took: .milliseconds(100)),
                Timed(decision: .allowed(count: 2, resetIn: .milliseconds(59_900)), took: .milliseconds(1)),
            ])
    }

    @Test func aRestartedRedisHasForgottenItsCounts() throws {
        let counts = try withCounter { counter, redis, _ in
            var counts: [Decision] = []
            for _ in 0..<2 {
                counts.append(await counter.take(key: "client", limit: 5, window: .seconds(60)))
            }
            redis.set(.down)
            counts.append(await counter.take(key: "client", limit: 5, window: .seconds(60)))
            redis.set(.up)
            counts.append(await counter.take(key: "client", limit: 5, window: .seconds(60)))
            return counts
        }
        #expect(
            counts == [
                .allowed(count: 1, resetIn: .seconds(60)), .allowed(count: 2, resetIn: .milliseconds(59_999)),
                .failedOpen, .allowed(count: 1, resetIn: .milliseconds(59_998)),
            ])
    }

    /// Four clients for 20 s of virtual time through a partition and a crash, with a latency that sometimes
    /// passes the timeout.
    func outageStory(seed: UInt64) throws -> ([Timed], SimulatedRedis.Tally) {
        try withCounter(seed: seed, latency: .logNormal(median: .milliseconds(40), sigma: 1)) {
            counter, redis, simulation in
            let timeline: [(Duration, SimulatedRedis.State)] = [
                (.seconds(5), .partitioned), (.seconds(8), .up), (.seconds(12), .down), (.seconds(14), .up),
            ]
            simulation.spawner.spawn("outages") {
                for (at, state) in timeline {
                    try? await simulation.clock.sleep(until: .at(at))
                    redis.set(state)
                }
            }
            let timed = try await withThrowingTaskGroup(of: [Timed].self) { group in
                for client in 0..<4 {
                    group.addTask {
                        var timed: [Timed] = []
                        while simulation.clock.now < .at(.seconds(20)) {
                            let start = simulation.clock.now
                            let decision = await counter.take(
                                key: "client-\(client % 2)", limit: 40, window: .seconds(10))
                            timed.append(Timed(decision: decision, took: simulation.clock.now - start))
                            try await simulation.clock.sleep(for: .milliseconds(50 + 10 * client))
                        }
                        return timed
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            return (timed, redis.tally)
        }
    }

    @Test func theSameSeedGivesTheSameOutcomes() throws {
        let (first, tally) = try outageStory(seed: 7)
        let (again, tallyAgain) = try outageStory(seed: 7)
        let (other, _) = try outageStory(seed: 8)
        #expect(first == again)
        #expect(tally == tallyAgain)
        #expect(first != other)
        #expect(tally.answered > 0 && tally.refused > 0 && tally.timedOut > 0)
        #expect(first.contains { $0.decision == .failedOpen } && first.contains { !$0.decision.isAllowed })
        #expect(first.allSatisfy { $0.took <= .milliseconds(100) })
    }
}

/// What a counter reported to its error hook.
final class ErrorLog: Sendable {
    private let errors = Mutex<[String]>([])

    func record(_ error: any Error) {
        errors.withLock { $0.append("\(error)") }
    }

    var descriptions: [String] { errors.withLock { $0 } }
}
