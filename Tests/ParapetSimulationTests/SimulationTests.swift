import ParapetCore
import ParapetSimulation
import Synchronization
import Testing

@Suite("Simulation and SimulationExecutor")
struct SimulationTests {
    @Test("run returns the root task's result and counts virtual time and events")
    func runReturnsResult() throws {
        let simulation = Simulation(seed: 1)
        let result = try simulation.run { runtime in
            try await runtime.clock.sleep(for: .seconds(90))
            return "done at \(runtime.clock.now)"
        }
        #expect(result == "done at \(MonotonicInstant.seconds(90))")
        let statistics = simulation.statistics
        #expect(statistics.virtualTimeElapsed == .seconds(90))
        #expect(statistics.timersFired == 1)
        #expect(statistics.jobsRun == 2)  // the root's start, and its resumption after the timer
        #expect(statistics.eventsProcessed == 3)
    }

    @Test("run rethrows the root task's error")
    func runRethrows() {
        struct Boom: Error, Equatable {}
        #expect(throws: Boom()) {
            try Simulation(seed: 1).run { runtime in
                try await runtime.clock.sleep(for: .seconds(1))
                throw Boom()
            }
        }
    }

    @Test("a task awaiting a continuation nobody resumes is a deadlock, reported with the virtual time")
    func deadlock() {
        let simulation = Simulation(seed: 1)
        #expect(throws: SimulationError.deadlock(at: .seconds(5))) {
            try simulation.run { runtime in
                try await runtime.clock.sleep(for: .seconds(5))
                await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
            }
        }
    }

    @Test("an unfinished root task with timers still pending hits the time limit instead of running forever")
    func timeLimit() {
        let simulation = Simulation(seed: 1)
        #expect(throws: SimulationError.timeLimitExceeded(at: .seconds(60))) {
            try simulation.run(timeLimit: .seconds(60)) { runtime in
                runtime.spawner.spawn("ticker") {
                    while (try? await runtime.clock.sleep(for: .seconds(1))) != nil {}
                }
                await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
            }
        }
        #expect(simulation.spawner.liveCount == 0)
    }

    @Test("spawned work that ignores cancellation exhausts the drain budget")
    func drainBudget() {
        let simulation = Simulation(seed: 1, drainEventBudget: 1_000)
        #expect(throws: SimulationError.drainBudgetExceeded(at: .seconds(3), remainingTasks: 1)) {
            try simulation.run { runtime in
                runtime.spawner.spawn("stubborn") {
                    while true {
                        try? await runtime.clock.sleep(for: .seconds(1))
                    }
                }
                try await runtime.clock.sleep(for: .seconds(3))
            }
        }
    }

    @Test("run is not reentrant")
    func notReentrant() throws {
        let simulation = Simulation(seed: 1)
        let inner = try simulation.run { _ in
            Result { try simulation.run { _ in 1 } }
        }
        #expect(throws: SimulationError.alreadyRunning) { try inner.get() }
        #expect(try simulation.run { _ in 2 } == 2)
    }

    @Test("virtual time carries on across runs")
    func consecutiveRuns() throws {
        let simulation = Simulation(seed: 1)
        try simulation.run { runtime in try await runtime.clock.sleep(for: .seconds(10)) }
        let now = try simulation.run { runtime in
            try await runtime.clock.sleep(for: .seconds(5))
            return runtime.clock.now
        }
        #expect(now == .seconds(15))
    }

    @Test("the placeholder network fails resolution with a clear error")
    func noNetwork() throws {
        let simulation = Simulation(seed: 1)
        let errors = try simulation.run { runtime in
            var errors: [SimulationError] = []
            do {
                _ = try await runtime.resolver.resolve(host: "backend.internal", port: 8080)
            } catch let error as SimulationError {
                errors.append(error)
            }
            return errors
        }
        #expect(errors == [.noSimulatedNetwork(operation: "resolve backend.internal:8080")])
    }

    @Test("the executor can be driven by hand, up to a time limit")
    func drivingTheExecutor() {
        let executor = SimulationExecutor()
        let clock = VirtualClock(executor: executor)
        let ticks = Atomic<Int>(0)
        let task = Task(executorPreference: executor) {
            while (try? await clock.sleep(for: .seconds(1))) != nil {
                ticks.add(1, ordering: .relaxed)
            }
        }
        let reason = executor.drive(until: { false }, notPast: .seconds(10))
        #expect(reason == .timeLimitReached)
        #expect(executor.now == .seconds(10))
        #expect(ticks.load(ordering: .relaxed) == 10)
        task.cancel()
        #expect(executor.drive(until: { false }) == .idle)
        #expect(executor.counters.pendingTimers == 0)
        #expect(executor.now == .seconds(10))
    }

    @Test("structured concurrency inside the simulation stays on the executor and is reproducible")
    func structuredConcurrencyIsDeterministic() throws {
        func trace(seed: UInt64) throws -> [SimulationTrace.Entry] {
            let simulation = Simulation(seed: seed)
            let trace = simulation.trace
            try simulation.run { runtime in
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<50 {
                        group.addTask {
                            var rng = runtime.random.generator(for: "child-\(index)")
                            async let left: UInt64 = {
                                var rng = runtime.random.generator(for: "child-\(index)")
                                try? await runtime.clock.sleep(
                                    for: .milliseconds(Int64.random(in: 0..<100, using: &rng)))
                                return rng.next() % 1_000
                            }()
                            await Task.yield()
                            trace.record("right \(rng.next() % 1_000)", task: "child-\(index)")
                            trace.record("left \(await left)", task: "child-\(index)")
                        }
                    }
                }
            }
            return trace.entries
        }
        let first = try trace(seed: 8)
        #expect(first.count == 100)
        #expect(try trace(seed: 8) == first)
        #expect(try trace(seed: 9) != first)
    }
}
