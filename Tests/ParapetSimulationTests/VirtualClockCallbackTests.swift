import ParapetCore
import ParapetSimulation
import ParapetTesting
import Testing

@Suite("VirtualClock callbacks")
struct VirtualClockCallbackTests {
    @Test("a callback runs once, exactly at its deadline, outside the task that set it")
    func firesAtItsDeadline() throws {
        let simulation = Simulation(seed: 1)
        let calls = Recorder<(at: MonotonicInstant, inTask: Bool)>()
        let seen = try simulation.run { runtime in
            let root = withUnsafeCurrentTask { $0?.hashValue }
            _ = runtime.clock.scheduleCallback(at: .seconds(5)) {
                calls.append((runtime.clock.now, withUnsafeCurrentTask { $0?.hashValue } == root))
            }
            try await runtime.clock.sleep(until: .zero.advanced(by: .seconds(5) - .nanoseconds(1)))
            let before = calls.elements.count
            try await runtime.clock.sleep(for: .seconds(10))
            return before
        }
        #expect(seen == 0)
        #expect(calls.elements.map(\.at) == [.seconds(5)])
        #expect(calls.elements.map(\.inTask) == [false])
        #expect(simulation.statistics.timersFired == 3)  // the callback and the root's two sleeps
    }

    @Test("cancelling before the deadline stops the callback and leaves no timer behind")
    func cancelBeforeTheDeadline() throws {
        let simulation = Simulation(seed: 1)
        let calls = Recorder<MonotonicInstant>()
        try simulation.run { runtime in
            let timer = runtime.clock.scheduleCallback(at: .seconds(5)) { calls.append(runtime.clock.now) }
            try await runtime.clock.sleep(for: .seconds(1))
            timer.cancel()
            timer.cancel()  // idempotent
            #expect(simulation.executor.counters.pendingTimers == 0)
        }
        #expect(calls.elements.isEmpty)
        #expect(simulation.clock.now == .seconds(1))  // nothing left to wait for
    }

    @Test("a callback cancelled in the job that set it is never armed")
    func cancelBeforeArming() throws {
        let simulation = Simulation(seed: 1)
        let calls = Recorder<MonotonicInstant>()
        try simulation.run { runtime in
            runtime.clock.scheduleCallback(at: .seconds(5)) { calls.append(runtime.clock.now) }.cancel()
            await Task.yield()
        }
        #expect(calls.elements.isEmpty)
        #expect(simulation.clock.now == .zero)
        #expect(simulation.executor.counters.pendingTimers == 0)
    }

    @Test("cancelling after the callback ran does nothing")
    func cancelAfterItRan() throws {
        let simulation = Simulation(seed: 1)
        let calls = Recorder<MonotonicInstant>()
        try simulation.run { runtime in
            let timer = runtime.clock.scheduleCallback(at: .seconds(2)) { calls.append(runtime.clock.now) }
            try await runtime.clock.sleep(for: .seconds(3))
            timer.cancel()
            // A later timer, in the slot the fired one freed, is not the fired one's to cancel.
            _ = runtime.clock.scheduleCallback(at: .seconds(4)) { calls.append(runtime.clock.now) }
            timer.cancel()
            try await runtime.clock.sleep(for: .seconds(3))
        }
        #expect(calls.elements == [.seconds(2), .seconds(4)])
    }

    @Test("a deadline in the past runs the callback at the current instant, after the ready jobs, never inline")
    func pastDeadline() throws {
        let simulation = Simulation(seed: 1)
        let order = Recorder<String>()
        try simulation.run { runtime in
            try await runtime.clock.sleep(for: .seconds(5))
            _ = runtime.clock.scheduleCallback(at: .seconds(1)) { order.append("callback at \(runtime.clock.now)") }
            order.append("scheduled")
            await withTaskGroup(of: Void.self) { group in
                group.addTask { order.append("child") }
            }
            try await runtime.clock.sleep(for: .seconds(1))
        }
        #expect(order.elements == ["scheduled", "child", "callback at \(MonotonicInstant.seconds(5))"])
    }

    @Test("at one instant, a callback takes the place a sleep by a task started when it was set would take")
    func equalInstantsKeepTheOrderOfATaskStartedThen() throws {
        let simulation = Simulation(seed: 1)
        let order = Recorder<String>()
        try simulation.run { runtime in
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    try? await runtime.clock.sleep(until: .seconds(10), tolerance: nil)
                    order.append("child")
                }
                // Armed once the child's first slice has run: after the child's sleep, like a second child's.
                _ = runtime.clock.scheduleCallback(at: .seconds(10)) { order.append("first callback") }
                _ = runtime.clock.scheduleCallback(at: .seconds(10)) { order.append("second callback") }
                // The root's own sleep is set at once, before either.
                try? await runtime.clock.sleep(until: .seconds(10), tolerance: nil)
                order.append("root")
            }
            try await runtime.clock.sleep(for: .seconds(1))
        }
        #expect(order.elements == ["root", "child", "first callback", "second callback"])
    }

    @Test("callbacks and sleepers fire in deadline order, and each callback counts as a timer")
    func deadlineOrder() throws {
        let simulation = Simulation(seed: 3)
        let order = Recorder<Int>()
        let deadlines: [Int64] = [7, 3, 9, 1, 5]
        try simulation.run { runtime in
            for (index, seconds) in deadlines.enumerated() {
                _ = runtime.clock.scheduleCallback(at: .seconds(seconds)) { order.append(index) }
            }
            try await runtime.clock.sleep(for: .seconds(20))
        }
        #expect(order.elements == [3, 1, 4, 0, 2])
        #expect(simulation.statistics.timersFired == deadlines.count + 1)
    }
}

@Suite("MonotonicClock.result(by:of:)")
struct ResultByDeadlineTests {
    @Test("an operation that finishes first returns its result, and the deadline is dropped")
    func operationFirst() throws {
        let simulation = Simulation(seed: 1)
        let result = try simulation.run { runtime in
            await runtime.clock.result(by: .seconds(5)) {
                try? await runtime.clock.sleep(for: .seconds(2))
                return runtime.clock.now
            }
        }
        #expect(result == .seconds(2))
        #expect(simulation.executor.counters.pendingTimers == 0)
    }

    @Test("a deadline that passes first returns nil once the cancelled operation has finished")
    func deadlineFirst() throws {
        let simulation = Simulation(seed: 1)
        let ended = Recorder<String>()
        let result = try simulation.run { runtime in
            let result = await runtime.clock.result(by: .seconds(5)) { () -> Int in
                do {
                    try await runtime.clock.sleep(for: .seconds(60))
                    ended.append("woke")
                } catch {
                    ended.append("cancelled at \(runtime.clock.now)")
                }
                return 1
            }
            ended.append("returned at \(runtime.clock.now)")
            return result
        }
        #expect(result == nil)
        #expect(
            ended.elements == [
                "cancelled at \(MonotonicInstant.seconds(5))", "returned at \(MonotonicInstant.seconds(5))",
            ])
    }
}
