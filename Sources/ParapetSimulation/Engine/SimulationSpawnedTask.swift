public import ParapetCore

/// A handle to background work started by a ``SimulationSpawner``.
///
/// ```swift
/// let probe = simulation.spawner.spawnTask("probe") { await probeOnce() }
/// await probe.wait()
/// ```
public struct SimulationSpawnedTask: SpawnedTask {
    /// The spawner's sequence number for this task: 1 for the first task spawned, then 2, 3, ….
    public let id: UInt64

    /// The descriptive name passed to ``SimulationSpawner/spawn(_:_:)``.
    public let name: String

    let task: Task<Void, Never>

    /// Requests cancellation of the work; cooperative, like `Task.cancel()`.
    public func cancel() {
        task.cancel()
    }

    /// Whether cancellation has been requested.
    public var isCancelled: Bool {
        task.isCancelled
    }

    /// Suspends until the work has finished.
    public func wait() async {
        await task.value
    }
}
