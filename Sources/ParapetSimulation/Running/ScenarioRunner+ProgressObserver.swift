extension ScenarioRunner {
    /// Follows a long run: ``report`` is called on the thread driving the simulation each time another
    /// ``interval`` of virtual time has passed, and once more when each stack's run ends (with
    /// ``ScenarioProgress/isFinished`` set). Observing adds no event, timer or task to the simulation, so
    /// a run reports the same with or without an observer.
    ///
    /// The simulation waits while `report` runs: keep it quick. Pacing output in real time (say ten lines
    /// a second) is the observer's business — the simulator never reads a real clock.
    ///
    /// ```swift
    /// let options = ScenarioRunner.Options(progress: .init(every: .seconds(10)) { progress in
    ///     print(progress)
    /// })
    /// let report = try ScenarioRunner.run(scenario, options: options)
    /// ```
    public struct ProgressObserver: Sendable {
        /// Virtual time between two reports.
        ///
        /// ```swift
        /// let observer = ScenarioRunner.ProgressObserver(every: .seconds(5)) { _ in }
        /// assert(observer.interval == .seconds(5))
        /// ```
        public var interval: Duration
        /// Called with each progress.
        public var report: @Sendable (ScenarioProgress) -> Void

        /// Creates an observer called every `interval` of virtual time (one second by default).
        public init(every interval: Duration = .seconds(1), _ report: @escaping @Sendable (ScenarioProgress) -> Void) {
            self.interval = interval
            self.report = report
        }
    }
}
