import Foundation
public import ParapetCore
import Synchronization

/// A deterministic discrete-event simulation: virtual time, seeded randomness and background work on a
/// single-threaded executor, packaged as a ``ParapetCore/Runtime`` for the code under test.
///
/// ``run(timeLimit:_:)`` starts the root task on the ``SimulationExecutor`` and drives it on the calling
/// thread. The same seed replays the same run, event for event.
///
/// ```swift
/// let simulation = Simulation(seed: 42)
/// let picks = try simulation.run { runtime in
///     var rng = runtime.random.generator(for: "balancer")
///     var picks: [Int] = []
///     for _ in 0..<3 {
///         try await runtime.clock.sleep(for: .seconds(1))
///         picks.append(Int.random(in: 0..<10, using: &rng))
///     }
///     return picks
/// }
/// print(picks, simulation.statistics)
/// ```
public final class Simulation: Sendable {
    /// The seed every random stream derives from.
    public let seed: UInt64

    /// The executor all simulated tasks run on.
    public let executor: SimulationExecutor

    /// Virtual monotonic time.
    public let clock: VirtualClock

    /// Virtual civil time, which can be stepped to model NTP.
    public let wallClock: VirtualWallClock

    /// The seeded random source.
    public let random: SeededRandomSource

    /// Background work on the simulation executor.
    public let spawner: SimulationSpawner

    /// A trace recorder timestamped with virtual time, keeping every entry.
    public let trace: SimulationTrace

    /// Every seam, ready to inject into the code under test. Resolving fails with
    /// ``SimulationError/noSimulatedNetwork(operation:)`` until a simulated network exists.
    public let runtime: Runtime

    /// How many events the drain after a run may take before concluding that spawned work ignores
    /// cancellation (``SimulationError/drainBudgetExceeded(at:remainingTasks:)``).
    ///
    /// ```swift
    /// let strict = Simulation(seed: 1, drainEventBudget: 10_000)
    /// assert(strict.drainEventBudget == 10_000)
    /// ```
    public let drainEventBudget: Int

    /// The default ``drainEventBudget``: ten million events.
    public static let defaultDrainEventBudget = 10_000_000

    private let isRunning = Atomic<Bool>(false)
    private let abandoned = Atomic<Int>(0)

    /// Creates a simulation at virtual time zero whose wall clock reads `wallClockStart`.
    public init(
        seed: UInt64,
        wallClockStart: WallInstant = VirtualWallClock.defaultStart,
        drainEventBudget: Int = Simulation.defaultDrainEventBudget
    ) {
        let executor = SimulationExecutor()
        let clock = VirtualClock(executor: executor)
        let wallClock = VirtualWallClock(clock: clock, start: wallClockStart)
        let random = SeededRandomSource(seed: seed)
        let spawner = SimulationSpawner(executor: executor)
        self.seed = seed
        self.drainEventBudget = drainEventBudget
        self.executor = executor
        self.clock = clock
        self.wallClock = wallClock
        self.random = random
        self.spawner = spawner
        self.trace = SimulationTrace(clock: clock)
        self.runtime = Runtime(
            clock: clock,
            wallClock: wallClock,
            random: random,
            spawner: spawner,
            resolver: UnsimulatedNetwork()
        )
    }

    /// Runs the simulation like ``run(timeLimit:_:)``, driving it on a thread of its own.
    ///
    /// Driving blocks its thread for as long as the simulation runs; from async code (a Swift Testing
    /// test, say) this overload keeps that off Swift's cooperative thread pool, and runs it at the lowest
    /// scheduling priority, so the rest of the process — other tests, a real server — keeps running
    /// meanwhile and keeps its real-time deadlines.
    ///
    /// ```swift
    /// @Test func breakerOpens() async throws {
    ///     let trips = try await Simulation(seed: 7).run { runtime in try await countTrips(runtime) }
    ///     #expect(trips == 1)
    /// }
    /// ```
    public func run<T: Sendable>(
        timeLimit: Duration? = nil,
        _ body: @escaping @Sendable (Runtime) async throws -> T
    ) async throws -> T {
        try await DriverThread.run(named: "parapet-simulation") { try self.run(timeLimit: timeLimit, body) }
    }

    /// Runs `body` as the root task on the simulation executor, driving the executor on the calling
    /// thread until the root task finishes; then cancels the spawned tasks still running, drains them,
    /// and returns the root's result.
    ///
    /// The calling thread is blocked for the whole run (which takes no real time waiting: virtual time
    /// jumps from timer to timer). A simulation can run several times; virtual time carries on.
    ///
    /// - Parameter timeLimit: virtual time after which an unfinished root task is an error.
    /// - Throws: the root task's error; ``SimulationError/deadlock(at:)`` when nothing is runnable and no
    ///   timer pending while the root task is unfinished; ``SimulationError/timeLimitExceeded(at:)``;
    ///   ``SimulationError/drainBudgetExceeded(at:remainingTasks:)``; ``SimulationError/alreadyRunning``.
    ///
    /// ```swift
    /// let elapsed = try Simulation(seed: 1).run(timeLimit: .seconds(3_600)) { runtime in
    ///     try await runtime.clock.sleep(for: .seconds(90))
    ///     return runtime.clock.now - .zero
    /// }
    /// assert(elapsed == .seconds(90))
    /// ```
    public func run<T: Sendable>(
        timeLimit: Duration? = nil,
        _ body: @escaping @Sendable (Runtime) async throws -> T
    ) throws -> T {
        try run(timeLimit: timeLimit, ticks: nil, body)
    }

    /// ``run(timeLimit:_:)``, handing `ticks` the virtual time as it moves (not while draining).
    func run<T: Sendable>(
        timeLimit: Duration?,
        ticks: VirtualTimeTicks?,
        _ body: @escaping @Sendable (Runtime) async throws -> T
    ) throws -> T {
        guard !isRunning.exchange(true, ordering: .acquiringAndReleasing) else {
            throw SimulationError.alreadyRunning
        }
        defer { isRunning.store(false, ordering: .releasing) }

        let outcome = RootOutcome<T>()
        let runtime = self.runtime
        let root = Task(executorPreference: executor) {  // determinism: ok — the root task
            do {
                outcome.finish(.success(try await body(runtime)))
            } catch {
                outcome.finish(.failure(error))
            }
        }
        let limit = timeLimit.map { executor.now.advanced(by: $0) }
        var failure: SimulationError?
        switch executor.drive(until: { outcome.isFinished }, notPast: limit, maximumEvents: .max, ticks: ticks) {
        case .finished:
            break
        case .idle:
            failure = .deadlock(at: executor.now)
        case .timeLimitReached:
            failure = .timeLimitExceeded(at: executor.now)
        case .eventBudgetExhausted, .alreadyDriving:
            failure = .alreadyRunning
        }
        if failure != nil {
            root.cancel()
        }
        if let drainFailure = drainSpawnedWork() {
            failure = failure ?? drainFailure
        }
        if let failure {
            throw failure
        }
        return try outcome.result()
    }

    /// A snapshot of what the simulation has done so far.
    public var statistics: SimulationStatistics {
        let counters = executor.counters
        return SimulationStatistics(
            virtualTimeElapsed: executor.now - .zero,
            jobsRun: counters.jobsRun,
            timersFired: counters.timersFired,
            tasksSpawned: spawner.spawnedCount,
            tasksAbandoned: abandoned.load(ordering: .relaxed)
        )
    }

    /// Cancels every spawned task still running and runs the executor until they have all finished or
    /// nothing is left to run; the ones still suspended then are abandoned.
    private func drainSpawnedWork() -> SimulationError? {
        spawner.cancelAll()
        defer { spawner.reopen() }
        let spawner = self.spawner
        let reason = executor.drive(until: { spawner.liveCount == 0 }, maximumEvents: drainEventBudget)
        abandoned.store(spawner.liveCount, ordering: .relaxed)
        if reason == .eventBudgetExhausted {
            return .drainBudgetExceeded(at: executor.now, remainingTasks: spawner.liveCount)
        }
        return nil
    }
}

/// The root task's result, handed from the simulated task to the driving thread.
private final class RootOutcome<T: Sendable>: Sendable {
    private let state = Mutex<Result<T, any Error>?>(nil)
    private let finished = Atomic<Bool>(false)

    /// Checked before every event, so it is a single atomic load.
    var isFinished: Bool {
        finished.load(ordering: .acquiring)
    }

    func finish(_ result: Result<T, any Error>) {
        state.withLock { $0 = result }
        finished.store(true, ordering: .releasing)
    }

    func result() throws -> T {
        guard let result = state.withLock({ $0 }) else {
            preconditionFailure("the root task has not finished")
        }
        return try result.get()
    }
}
