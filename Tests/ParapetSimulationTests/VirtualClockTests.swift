import ParapetCore
import ParapetSimulation
import ParapetTesting
import Testing

@Suite("VirtualClock")
struct VirtualClockTests {
    @Test("timers fire in deadline order, each at exactly its deadline")
    func timersFireInDeadlineOrder() throws {
        let simulation = Simulation(seed: 5)
        let wakes = Recorder<(index: Int, deadline: MonotonicInstant, woke: MonotonicInstant)>()
        var rng = SeededRandomSource(seed: 99).generator(for: "deadlines")
        let deadlines = (0..<200).map { _ in
            MonotonicInstant.zero.advanced(by: .milliseconds(Int64.random(in: 1...50_000, using: &rng)))
        }
        try simulation.run { runtime in
            await withTaskGroup(of: Void.self) { group in
                for (index, deadline) in deadlines.enumerated() {
                    group.addTask {
                        try? await runtime.clock.sleep(until: deadline, tolerance: nil)
                        wakes.append((index, deadline, runtime.clock.now))
                    }
                }
            }
        }
        let observed = wakes.elements
        #expect(observed.count == deadlines.count)
        #expect(observed.allSatisfy { $0.deadline == $0.woke })
        // Children went to sleep in index order, so ties break by index.
        let expected = deadlines.enumerated().sorted { ($0.element, $0.offset) < ($1.element, $1.offset) }.map(\.offset)
        #expect(observed.map(\.index) == expected)
        #expect(simulation.statistics.virtualTimeElapsed == deadlines.max()! - .zero)
    }

    @Test("timers due at the same instant fire in the order the tasks went to sleep")
    func equalInstantsFireInSleepOrder() throws {
        let simulation = Simulation(seed: 1)
        let wakes = Recorder<Int>()
        try simulation.run { runtime in
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<5 {
                    group.addTask {
                        // Child 4 reaches the shared deadline first, child 0 last.
                        try? await runtime.clock.sleep(for: .seconds(Int64(4 - index)))
                        try? await runtime.clock.sleep(until: .seconds(100), tolerance: nil)
                        wakes.append(index)
                    }
                }
            }
        }
        #expect(wakes.elements == [4, 3, 2, 1, 0])
        #expect(simulation.clock.now == .seconds(100))
    }

    @Test("cancelling a sleeping task removes its timer and throws CancellationError without advancing time")
    func cancellingASleeper() throws {
        let simulation = Simulation(seed: 1)
        let outcome = try simulation.run { runtime in
            let sleeper = Task(executorPreference: simulation.executor) { () -> (String, MonotonicInstant) in
                do {
                    try await runtime.clock.sleep(for: .seconds(3_600))
                    return ("woke", runtime.clock.now)
                } catch is CancellationError {
                    return ("cancelled", runtime.clock.now)
                } catch {
                    return ("other error", runtime.clock.now)
                }
            }
            try await runtime.clock.sleep(for: .seconds(10))
            sleeper.cancel()
            return await sleeper.value
        }
        #expect(outcome.0 == "cancelled")
        #expect(outcome.1 == .seconds(10))
        #expect(simulation.clock.now == .seconds(10))
        #expect(simulation.executor.counters.pendingTimers == 0)
    }

    @Test("a task that is already cancelled does not sleep")
    func alreadyCancelled() throws {
        let simulation = Simulation(seed: 1)
        let threw = try simulation.run { runtime in
            await withTaskGroup(of: Bool.self) { group in
                group.cancelAll()
                group.addTask {
                    do {
                        try await runtime.clock.sleep(for: .seconds(30))
                        return false
                    } catch {
                        return error is CancellationError
                    }
                }
                return await group.next() ?? false
            }
        }
        #expect(threw)
        #expect(simulation.clock.now == .zero)
    }

    @Test("sleeping until a past instant returns at once but yields through the ready queue")
    func pastDeadlineYields() throws {
        let simulation = Simulation(seed: 1)
        let order = Recorder<String>()
        try simulation.run { runtime in
            try await runtime.clock.sleep(for: .seconds(5))
            async let first: Void = {
                order.append("a1")
                try? await runtime.clock.sleep(until: .seconds(1), tolerance: nil)
                order.append("a2 at \(runtime.clock.now)")
            }()
            async let second: Void = {
                order.append("b1")
            }()
            _ = await (first, second)
        }
        #expect(order.elements == ["a1", "b1", "a2 at \(MonotonicInstant.seconds(5))"])
        #expect(simulation.clock.minimumResolution == .nanoseconds(1))
    }
}
