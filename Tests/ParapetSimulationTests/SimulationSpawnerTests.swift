import ParapetCore
import ParapetSimulation
import ParapetTesting
import Testing

@Suite("SimulationSpawner")
struct SimulationSpawnerTests {
    @Test("spawned work runs in virtual time and is cancelled when the run ends")
    func spawnedWorkRunsInVirtualTimeAndIsCancelled() throws {
        let simulation = Simulation(seed: 1)
        let events = Recorder<String>()
        try simulation.run { runtime in
            runtime.spawner.spawn("ticker") {
                while true {
                    do {
                        try await runtime.clock.sleep(for: .seconds(5))
                    } catch {
                        events.append("cancelled at \(runtime.clock.now)")
                        return
                    }
                    events.append("tick at \(runtime.clock.now)")
                }
            }
            try await runtime.clock.sleep(for: .seconds(60))
        }
        // The root's 60 s timer was set before the ticker's, so it fires first and ends the run.
        let ticks = (1...11).map { "tick at \(MonotonicInstant.seconds(5 * Int64($0)))" }
        #expect(events.elements == ticks + ["cancelled at \(MonotonicInstant.seconds(60))"])
        #expect(simulation.spawner.liveCount == 0)
        #expect(simulation.statistics.tasksSpawned == 1)
        #expect(simulation.statistics.tasksAbandoned == 0)
        #expect(simulation.statistics.virtualTimeElapsed == .seconds(60))
    }

    @Test("spawned tasks can be awaited and cancelled individually")
    func handles() throws {
        let simulation = Simulation(seed: 1)
        let spawner = simulation.spawner
        let result = try simulation.run { runtime in
            let quick = spawner.spawnTask("quick") { try? await runtime.clock.sleep(for: .seconds(3)) }
            let slow = spawner.spawnTask("slow") { try? await runtime.clock.sleep(for: .seconds(3_600)) }
            #expect(spawner.liveNames == ["quick", "slow"])
            await quick.wait()
            let afterQuick = runtime.clock.now
            slow.cancel()
            await slow.wait()
            return (afterQuick, runtime.clock.now, slow.isCancelled, quick.id, slow.id)
        }
        #expect(result.0 == .seconds(3))
        #expect(result.1 == .seconds(3))
        #expect(result.2)
        #expect([result.3, result.4] == [1, 2])
    }

    @Test("work spawned while the simulation shuts down starts cancelled")
    func spawnDuringShutdown() throws {
        let simulation = Simulation(seed: 1)
        let events = Recorder<String>()
        try simulation.run { runtime in
            runtime.spawner.spawn("parent") {
                do {
                    try await runtime.clock.sleep(for: .seconds(100))
                } catch {
                    runtime.spawner.spawn("cleanup") {
                        events.append(Task.isCancelled ? "cleanup cancelled" : "cleanup running")
                    }
                }
            }
            try await runtime.clock.sleep(for: .seconds(1))
        }
        #expect(events.elements == ["cleanup cancelled"])
        #expect(simulation.spawner.liveCount == 0)
        #expect(simulation.statistics.tasksSpawned == 2)
    }

    @Test("spawned work stuck on a continuation nobody resumes is reported as abandoned")
    func abandoned() throws {
        let simulation = Simulation(seed: 1)
        try simulation.run { runtime in
            runtime.spawner.spawn("stuck") {
                await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
            }
            try await runtime.clock.sleep(for: .seconds(1))
        }
        #expect(simulation.statistics.tasksAbandoned == 1)
        #expect(simulation.spawner.liveNames == ["stuck"])
    }
}
