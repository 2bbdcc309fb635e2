import ParapetCore
import ParapetSimulation
import Testing

@Suite("VirtualWallClock")
struct VirtualWallClockTests {
    @Test("civil time starts at 2026-01-01T00:00:00Z and advances with virtual time")
    func advancesWithVirtualTime() throws {
        let simulation = Simulation(seed: 1)
        #expect(simulation.runtime.wallClock.now.secondsSinceEpoch == 1_767_225_600)
        let later = try simulation.run { runtime in
            try await runtime.clock.sleep(for: .seconds(90))
            return runtime.wallClock.now
        }
        #expect(later == VirtualWallClock.defaultStart.advanced(by: .seconds(90)))
    }

    @Test("a configurable start")
    func configurableStart() {
        let start = WallInstant(secondsSinceEpoch: 1_000)
        #expect(Simulation(seed: 1, wallClockStart: start).wallClock.now == start)
    }

    @Test("stepping backwards moves civil time back, leaves monotonic time alone, and time keeps advancing")
    func steppingBackwards() throws {
        let simulation = Simulation(seed: 1)
        let wall = simulation.wallClock
        let readings = try simulation.run { runtime in
            try await runtime.clock.sleep(for: .seconds(60))
            let beforeStep = runtime.wallClock.now
            wall.step(by: .seconds(-30))
            let afterStep = runtime.wallClock.now
            try await runtime.clock.sleep(for: .seconds(10))
            return (beforeStep, afterStep, runtime.wallClock.now, runtime.clock.now)
        }
        #expect(readings.1 < readings.0)
        #expect(readings.0 == VirtualWallClock.defaultStart.advanced(by: .seconds(60)))
        #expect(readings.0.sinceEpoch - readings.1.sinceEpoch == .seconds(30))
        #expect(readings.2 == VirtualWallClock.defaultStart.advanced(by: .seconds(40)))
        #expect(readings.3 == .seconds(70))
    }

    @Test("set(to:) jumps to an instant from which civil time keeps advancing")
    func setting() throws {
        let simulation = Simulation(seed: 1)
        let target = WallInstant(secondsSinceEpoch: 1_500_000_000)
        let reading = try simulation.run { runtime in
            try await runtime.clock.sleep(for: .seconds(5))
            simulation.wallClock.set(to: target)
            try await runtime.clock.sleep(for: .seconds(2))
            return runtime.wallClock.now
        }
        #expect(reading == target.advanced(by: .seconds(2)))
    }
}
