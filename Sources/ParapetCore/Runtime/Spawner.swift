/// A handle to background work started through a ``Spawner``.
///
/// ```swift
/// let janitor = runtime.spawner.spawn("janitor") { await sweepForever() }
/// janitor.cancel()
/// ```
public protocol SpawnedTask: Sendable {
    /// Requests cancellation of the work; cooperative, like `Task.cancel()`.
    func cancel()
}

/// The background-work seam: health probes, revalidations, janitors and reapers start here, never with
/// an unstructured task of their own.
///
/// Production spawns real tasks whose lifetime ends with the server's; the simulator keeps the work on
/// its deterministic executor, in virtual time.
///
/// ```swift
/// runtime.spawner.spawn("health-probe") {
///     while !Task.isCancelled {
///         await probe()
///         try? await runtime.clock.sleep(for: .seconds(5))
///     }
/// }
/// ```
public protocol Spawner: Sendable {
    /// Starts `operation` in the background under a descriptive `name` (used in logs and traces).
    @discardableResult
    func spawn(_ name: String, _ operation: @escaping @Sendable () async -> Void) -> any SpawnedTask

    /// Cancels all work still running, and any spawned from now on: the server is shutting down.
    func cancelAll()
}
