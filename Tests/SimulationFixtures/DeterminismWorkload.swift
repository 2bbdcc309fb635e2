import ParapetCore
public import ParapetSimulation

/// The simulator's determinism benchmark: many concurrent tasks that sleep random virtual durations,
/// start children (structured `async let`, a task-group race whose loser is cancelled, and background
/// work through the spawner) and draw random numbers, all recording into a ``SimulationTrace``.
///
/// Each worker draws from its own named random stream and hands that stream to its children, so the
/// trace depends on the exact interleaving of every task: the same seed must give the same trace hash
/// in any process, and a different seed a different one. The test suite and the `determinism-probe`
/// executable both run this one implementation.
///
/// ```swift
/// let outcome = try DeterminismWorkload(taskCount: 10_000, duration: .seconds(3_600)).run(seed: 42)
/// print(outcome.traceHashDescription, outcome.traceCount, outcome.statistics.eventsProcessed)
/// ```
public struct DeterminismWorkload: Sendable, Hashable {
    /// The result of one run of the workload.
    ///
    /// ```swift
    /// let outcome = try DeterminismWorkload(taskCount: 100).run(seed: 1)
    /// assert(outcome.traceCount > 0)
    /// ```
    public struct Outcome: Sendable, Hashable {
        /// The seed the workload ran with.
        public var seed: UInt64
        /// The stable hash of the whole trace (see ``SimulationTrace/hash``).
        public var traceHash: UInt64
        /// The number of trace entries.
        public var traceCount: Int
        /// The simulation's statistics at the end of the run, drain included.
        public var statistics: SimulationStatistics

        /// Creates an outcome from its parts.
        ///
        /// ```swift
        /// let copy = DeterminismWorkload.Outcome(seed: o.seed, traceHash: o.traceHash,
        ///                                        traceCount: o.traceCount, statistics: o.statistics)
        /// ```
        public init(seed: UInt64, traceHash: UInt64, traceCount: Int, statistics: SimulationStatistics) {
            self.seed = seed
            self.traceHash = traceHash
            self.traceCount = traceCount
            self.statistics = statistics
        }

        /// ``traceHash`` as 16 lowercase hexadecimal digits.
        public var traceHashDescription: String {
            let digits = String(traceHash, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
    }

    /// How many concurrent worker tasks to spawn.
    ///
    /// ```swift
    /// var small = DeterminismWorkload()
    /// small.taskCount = 100
    /// ```
    public var taskCount: Int
    /// How much virtual time the workers keep working for.
    ///
    /// ```swift
    /// var short = DeterminismWorkload()
    /// short.duration = .seconds(60)
    /// ```
    public var duration: Duration
    /// The mean of a worker's uniformly random sleep between two wake-ups.
    ///
    /// ```swift
    /// var busy = DeterminismWorkload()
    /// busy.meanSleep = .seconds(5)
    /// ```
    public var meanSleep: Duration

    /// Describes a workload; the defaults are the acceptance workload: 10,000 tasks for one simulated
    /// hour, each waking on average every 60 virtual seconds (uniformly between 0 and 120 s).
    public init(taskCount: Int = 10_000, duration: Duration = .seconds(3_600), meanSleep: Duration = .seconds(60)) {
        self.taskCount = max(taskCount, 0)
        self.duration = duration
        self.meanSleep = max(meanSleep, .nanoseconds(1))
    }

    /// Runs the workload in a fresh ``Simulation`` seeded with `seed`.
    ///
    /// ```swift
    /// let first = try DeterminismWorkload().run(seed: 42)
    /// let second = try DeterminismWorkload().run(seed: 42)
    /// assert(first.traceHash == second.traceHash)
    /// ```
    public func run(seed: UInt64) throws -> Outcome {
        let simulation = Simulation(seed: seed)
        let trace = SimulationTrace(clock: simulation.clock, keepsEntries: false)
        try run(in: simulation, tracingInto: trace)
        return Outcome(seed: seed, traceHash: trace.hash, traceCount: trace.count, statistics: simulation.statistics)
    }

    /// Runs the workload like ``run(seed:)``, driving the simulation on a thread of its own so async
    /// callers do not block Swift's cooperative thread pool.
    public func run(seed: UInt64) async throws -> Outcome {
        let simulation = Simulation(seed: seed)
        let trace = SimulationTrace(clock: simulation.clock, keepsEntries: false)
        try await simulation.run(rootTask(in: simulation, tracingInto: trace))
        return Outcome(seed: seed, traceHash: trace.hash, traceCount: trace.count, statistics: simulation.statistics)
    }

    /// Runs the workload in `simulation`, recording into `trace`.
    ///
    /// The root task spawns the workers, then sleeps until the end of ``duration``; workers still busy
    /// then are cancelled by the simulation's drain and record that too.
    ///
    /// ```swift
    /// let simulation = Simulation(seed: 9)
    /// try DeterminismWorkload(taskCount: 50).run(in: simulation, tracingInto: simulation.trace)
    /// print(simulation.trace.entries.prefix(5))
    /// ```
    public func run(in simulation: Simulation, tracingInto trace: SimulationTrace) throws {
        try simulation.run(rootTask(in: simulation, tracingInto: trace))
    }

    /// The root task: spawns the workers, then sleeps until the end of ``duration``.
    private func rootTask(
        in simulation: Simulation,
        tracingInto trace: SimulationTrace
    ) -> @Sendable (Runtime) async throws -> Void {
        let parameters = Parameters(
            horizon: simulation.clock.now.advanced(by: duration),
            maximumSleepNanoseconds: Self.nanoseconds(meanSleep) * 2,
            maximumChildSleepNanoseconds: max(1, Self.nanoseconds(meanSleep) / 4),
            trace: trace
        )
        let taskCount = self.taskCount
        return { runtime in
            for index in 0..<taskCount {
                runtime.spawner.spawn("worker-\(index)") {
                    await Self.worker(index: index, runtime: runtime, parameters: parameters)
                }
            }
            try await runtime.clock.sleep(until: parameters.horizon, tolerance: nil)
        }
    }

    private struct Parameters: Sendable {
        var horizon: MonotonicInstant
        var maximumSleepNanoseconds: UInt64
        var maximumChildSleepNanoseconds: UInt64
        var trace: SimulationTrace
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds)) / 1_000_000_000
    }

    private static func worker(index: Int, runtime: Runtime, parameters: Parameters) async {
        let name = "w\(index)"
        let trace = parameters.trace
        var rng = runtime.random.generator(for: name)
        var children = 0
        trace.record("start", task: name)
        while runtime.clock.now < parameters.horizon {
            let nap = Duration.nanoseconds(Int64(rng.next() % parameters.maximumSleepNanoseconds))
            do {
                try await runtime.clock.sleep(for: nap)
            } catch {
                trace.record("cancelled", task: name)
                return
            }
            let draw = rng.next()
            trace.record("wake \(draw >> 44)", task: name)
            switch draw % 16 {
            case 0:
                children += 1
                let childName = "\(name).\(children)"
                let childRNG = rng
                async let value = child(name: childName, rng: childRNG, runtime: runtime, parameters: parameters)
                do {
                    trace.record("joined \(try await value)", task: name)
                } catch {
                    trace.record("cancelled", task: name)
                    return
                }
            case 1:
                children += 1
                let winner = await race(name: "\(name).\(children)", rng: rng, runtime: runtime, parameters: parameters)
                trace.record("winner \(winner.map(String.init) ?? "none")", task: name)
            case 2:
                children += 1
                let childName = "\(name).\(children)"
                let childRNG = rng
                runtime.spawner.spawn(childName) {
                    _ = try? await child(name: childName, rng: childRNG, runtime: runtime, parameters: parameters)
                }
            default:
                break
            }
        }
        trace.record("done", task: name)
    }

    /// Two children race in a task group; the first to finish wins and the other is cancelled.
    private static func race(name: String, rng: RandomGenerator, runtime: Runtime, parameters: Parameters) async -> Int?
    {
        await withTaskGroup(of: Int?.self) { group in
            for lane in 0..<2 {
                group.addTask {
                    let childName = "\(name)/\(lane)"
                    do {
                        _ = try await child(name: childName, rng: rng, runtime: runtime, parameters: parameters)
                        return lane
                    } catch {
                        parameters.trace.record("lost", task: childName)
                        return nil
                    }
                }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private static func child(
        name: String,
        rng: RandomGenerator,
        runtime: Runtime,
        parameters: Parameters
    ) async throws -> UInt64 {
        var rng = rng
        parameters.trace.record("child start", task: name)
        try await runtime.clock.sleep(for: .nanoseconds(Int64(rng.next() % parameters.maximumChildSleepNanoseconds)))
        let value = rng.next() >> 52
        parameters.trace.record("child \(value)", task: name)
        return value
    }
}
