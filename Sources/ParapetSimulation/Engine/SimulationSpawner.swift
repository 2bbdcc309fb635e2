public import ParapetCore
import Synchronization

/// The simulator's ``Spawner``: background work runs as tasks that prefer the simulation executor, so
/// it stays deterministic and in virtual time, and every task is tracked so that the simulation can
/// cancel and drain what is still running when a run ends.
///
/// ```swift
/// let simulation = Simulation(seed: 1)
/// try simulation.run { runtime in
///     runtime.spawner.spawn("janitor") {
///         while (try? await runtime.clock.sleep(for: .seconds(10))) != nil { sweep() }
///     }
///     try await runtime.clock.sleep(for: .seconds(60))
/// }  // the janitor is cancelled and drained here
/// ```
public final class SimulationSpawner: Spawner {
    private struct Entry {
        var name: String
        var task: Task<Void, Never>?
    }

    private struct State {
        var nextID: UInt64 = 1
        var live: [UInt64: Entry] = [:]
        var isShuttingDown = false
    }

    /// The executor every spawned task prefers.
    public let executor: SimulationExecutor

    private let state = Mutex(State())

    /// Creates a spawner whose tasks run on `executor`.
    public init(executor: SimulationExecutor) {
        self.executor = executor
    }

    /// Starts `operation` as a task on the simulation executor.
    ///
    /// ```swift
    /// let reaper = runtime.spawner.spawn("purge-reaper") { await reapForever() }
    /// reaper.cancel()
    /// ```
    @discardableResult
    public func spawn(_ name: String, _ operation: @escaping @Sendable () async -> Void) -> any SpawnedTask {
        spawnTask(name, operation)
    }

    /// Starts `operation` as a task on the simulation executor and returns a handle that can also be
    /// awaited.
    ///
    /// A task spawned while the simulation is shutting down (from the cancellation path of other work)
    /// starts already cancelled.
    ///
    /// ```swift
    /// let refresh = simulation.spawner.spawnTask("revalidate") { await revalidate() }
    /// await refresh.wait()
    /// ```
    @discardableResult
    public func spawnTask(_ name: String, _ operation: @escaping @Sendable () async -> Void) -> SimulationSpawnedTask {
        let (id, isShuttingDown) = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.live[id] = Entry(name: name, task: nil)
            return (id, state.isShuttingDown)
        }
        let task = Task(executorPreference: executor) {  // determinism: ok — the spawner
            await operation()
            self.finished(id)
        }
        state.withLock { state in
            state.live[id]?.task = task  // absent if the work already finished
        }
        if isShuttingDown {
            task.cancel()
        }
        return SimulationSpawnedTask(id: id, name: name, task: task)
    }

    /// How many tasks have been spawned so far.
    public var spawnedCount: Int {
        state.withLock { Int($0.nextID - 1) }
    }

    /// How many spawned tasks have not finished yet.
    public var liveCount: Int {
        state.withLock { $0.live.count }
    }

    /// The names of the unfinished spawned tasks, in the order they were spawned.
    public var liveNames: [String] {
        state.withLock { state in
            state.live.sorted { $0.key < $1.key }.map(\.value.name)
        }
    }

    /// Cancels every unfinished task, in spawn order, and makes later spawns start cancelled until
    /// ``reopen()``.
    public func cancelAll() {
        let tasks = state.withLock { state in
            state.isShuttingDown = true
            return state.live.sorted { $0.key < $1.key }.compactMap(\.value.task)
        }
        for task in tasks {
            task.cancel()
        }
    }

    /// Lets newly spawned tasks run normally again after ``cancelAll()``.
    public func reopen() {
        state.withLock { $0.isShuttingDown = false }
    }

    private func finished(_ id: UInt64) {
        _ = state.withLock { $0.live.removeValue(forKey: id) }
    }
}
