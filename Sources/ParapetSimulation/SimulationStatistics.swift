/// What a simulation has done so far.
///
/// ```swift
/// let stats = simulation.statistics
/// print("\(stats.eventsProcessed) events over \(stats.virtualTimeElapsed) of virtual time")
/// ```
public struct SimulationStatistics: Sendable, Hashable, CustomStringConvertible {
    /// Virtual time elapsed since the simulation began.
    ///
    /// ```swift
    /// assert(simulation.statistics.virtualTimeElapsed == .seconds(3_600))
    /// ```
    public var virtualTimeElapsed: Duration
    /// Jobs (task slices between suspensions) run.
    ///
    /// ```swift
    /// print(simulation.statistics.jobsRun)
    /// ```
    public var jobsRun: Int
    /// Timers fired.
    ///
    /// ```swift
    /// print(simulation.statistics.timersFired)
    /// ```
    public var timersFired: Int
    /// Tasks started through the simulation's spawner.
    ///
    /// ```swift
    /// print(simulation.statistics.tasksSpawned)
    /// ```
    public var tasksSpawned: Int
    /// Spawned tasks that never finished: after the last run's drain they were still suspended on
    /// something nobody will ever resume.
    ///
    /// ```swift
    /// assert(simulation.statistics.tasksAbandoned == 0)
    /// ```
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
    ///
    /// ```swift
    /// let rate = Double(stats.eventsProcessed) / wallSeconds
    /// ```
    public var eventsProcessed: Int { jobsRun + timersFired }

    /// A one-line summary.
    ///
    /// ```swift
    /// print(simulation.statistics)
    /// ```
    public var description: String {
        "\(eventsProcessed) events (\(jobsRun) jobs, \(timersFired) timers) over \(virtualTimeElapsed) virtual, "
            + "\(tasksSpawned) tasks spawned, \(tasksAbandoned) abandoned"
    }
}
