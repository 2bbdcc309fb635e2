/// What a simulation has done so far.
///
/// ```swift
/// let stats = simulation.statistics
/// print("\(stats.eventsProcessed) events over \(stats.virtualTimeElapsed) of virtual time")
/// ```
public struct SimulationStatistics: Sendable, Hashable, CustomStringConvertible {
    /// Virtual time elapsed since the simulation began.
    public var virtualTimeElapsed: Duration
    /// Jobs (task slices between suspensions) run.
    public var jobsRun: Int
    /// Timers fired.
    public var timersFired: Int
    /// Tasks started through the simulation's spawner.
    public var tasksSpawned: Int
    /// Spawned tasks that never finished: after the last run's drain they were still suspended on
    /// something nobody will ever resume.
    public var tasksAbandoned: Int

    /// Creates statistics from their parts.
    ///
    /// ```swift
    /// let none = SimulationStatistics(virtualTimeElapsed: .zero, jobsRun: 0, timersFired: 0,
    ///                                 tasksSpawned: 0, tasksAbandoned: 0)
    /// ```
    public init(virtualTimeElapsed: Duration, jobsRun: Int, timersFired: Int, tasksSpawned: Int, tasksAbandoned: Int) {
        self.virtualTimeElapsed = virtualTimeElapsed
        self.jobsRun = jobsRun
        self.timersFired = timersFired
        self.tasksSpawned = tasksSpawned
        self.tasksAbandoned = tasksAbandoned
    }

    /// Jobs run plus timers fired: the discrete events the executor processed.
    public var eventsProcessed: Int { jobsRun + timersFired }

    /// A one-line summary.
    public var description: String {
        "\(eventsProcessed) events (\(jobsRun) jobs, \(timersFired) timers) over \(virtualTimeElapsed) virtual, "
            + "\(tasksSpawned) tasks spawned, \(tasksAbandoned) abandoned"
    }
}
