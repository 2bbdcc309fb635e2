public import ParapetCore

/// Why a simulation could not produce its root task's result.
///
/// ```swift
/// do {
///     _ = try Simulation(seed: 1).run { _ in
///         await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
///     }
/// } catch SimulationError.deadlock(let instant) {
///     print("stuck at \(instant)")
/// }
/// ```
public enum SimulationError: Error, Hashable, CustomStringConvertible {
    /// Nothing was runnable and no timer was pending while the root task was unfinished: some task awaits
    /// something that can never happen (a continuation nobody resumes, or work that escaped the simulation
    /// executor — an unstructured task, a detached one, Dispatch, or a sleep without the injected clock).
    case deadlock(at: MonotonicInstant)

    /// The root task was still running when virtual time reached the run's time limit.
    case timeLimitExceeded(at: MonotonicInstant)

    /// After the root task finished and every spawned task was cancelled, the spawned work kept running
    /// for more than the drain budget of events: some task ignores cancellation.
    case drainBudgetExceeded(at: MonotonicInstant, remainingTasks: Int)

    /// ``Simulation/run(timeLimit:_:)`` was called while the same simulation was already running.
    case alreadyRunning

    /// The code under simulation resolved a name, but this simulation has no simulated network yet.
    case noSimulatedNetwork(operation: String)

    /// A one-line explanation of the failure.
    public var description: String {
        switch self {
        case .deadlock(let instant):
            return "simulation deadlock at \(instant): nothing runnable and no timers pending while the root "
                + "task is unfinished (a continuation nobody resumes, or work that escaped the simulation "
                + "executor)"
        case .timeLimitExceeded(let instant):
            return "simulation time limit exceeded at \(instant) with the root task unfinished"
        case .drainBudgetExceeded(let instant, let remaining):
            return "spawned work ignored cancellation: \(remaining) task(s) still running at \(instant) "
                + "after the drain budget was spent"
        case .alreadyRunning:
            return "the simulation is already running; run(_:) is not reentrant"
        case .noSimulatedNetwork(let operation):
            return "\(operation) needs a simulated network, which this simulation does not have"
        }
    }
}
