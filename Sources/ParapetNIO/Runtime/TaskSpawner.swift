public import ParapetCore
import Synchronization

/// The production ``Spawner``: each piece of background work is a task, remembered until it ends so that
/// ``cancelAll()`` can stop whatever is still running when the server shuts down.
///
/// ```swift
/// let spawner = TaskSpawner()
/// spawner.spawn("janitor") { await sweep() }
/// spawner.cancelAll()
/// ```
public final class TaskSpawner: Spawner {
    private struct State {
        var nextID = 0
        var running: [Int: Task<Void, Never>] = [:]
        /// Tasks that ended before they could be remembered.
        var finishedEarly: Set<Int> = []
        var isCancelled = false
    }

    private let state = Mutex(State())

    /// Creates a spawner with no work running.
    public init() {}

    @discardableResult
    public func spawn(_ name: String, _ operation: @escaping @Sendable () async -> Void) -> any SpawnedTask {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        let task = Task { [weak self] in
            await operation()
            self?.state.withLock { state in
                if state.running.removeValue(forKey: id) == nil { state.finishedEarly.insert(id) }
            }
        }
        let cancelNow = state.withLock { state in
            if state.isCancelled { return true }
            if state.finishedEarly.remove(id) == nil { state.running[id] = task }
            return false
        }
        if cancelNow { task.cancel() }
        return Spawned(task: task)
    }

    /// The number of spawned tasks still running.
    public var runningCount: Int {
        state.withLock { $0.running.count }
    }

    /// Cancels every running task, and every task spawned from now on.
    public func cancelAll() {
        let tasks = state.withLock { state in
            state.isCancelled = true
            defer { state.running.removeAll() }
            return Array(state.running.values)
        }
        for task in tasks { task.cancel() }
    }

    private struct Spawned: SpawnedTask {
        let task: Task<Void, Never>

        func cancel() { task.cancel() }
    }
}
