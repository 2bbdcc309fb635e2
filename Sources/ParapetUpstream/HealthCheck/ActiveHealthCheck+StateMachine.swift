extension ActiveHealthCheck {
    /// The decision of an active health check for one target: consecutive probe results move it down or up.
    ///
    /// `unhealthyThreshold` failed probes in a row take an up target down; `healthyThreshold` healthy probes
    /// in a row bring a down target up. Any other result resets the opposite run, so alternating results
    /// never cross a threshold above 1.
    ///
    /// ```swift
    /// var streak = ActiveHealthCheck.StateMachine(isUp: true, healthyThreshold: 1, unhealthyThreshold: 3)
    /// streak.record(healthy: false)   // nil
    /// streak.record(healthy: false)   // nil
    /// streak.record(healthy: false)   // .down
    /// streak.record(healthy: true)    // .up
    /// ```
    public struct StateMachine: Sendable, Hashable {
        /// A crossing of a threshold.
        public enum Transition: Sendable, Hashable {
            /// The target went down.
            case down
            /// The target came back up.
            case up
        }

        /// Whether the target is up.
        public private(set) var isUp: Bool
        /// Healthy probes in a row that bring a down target up, at least 1.
        public let healthyThreshold: Int
        /// Failed probes in a row that take an up target down, at least 1.
        public let unhealthyThreshold: Int
        private var healthyRun = 0
        private var unhealthyRun = 0

        /// Creates a streak starting up or down with no results yet; thresholds below 1 count as 1.
        public init(isUp: Bool, healthyThreshold: Int, unhealthyThreshold: Int) {
            self.isUp = isUp
            self.healthyThreshold = max(healthyThreshold, 1)
            self.unhealthyThreshold = max(unhealthyThreshold, 1)
        }

        /// Records one probe result, returning the transition it caused.
        @discardableResult
        public mutating func record(healthy: Bool) -> Transition? {
            if healthy {
                unhealthyRun = 0
                healthyRun += 1
                guard !isUp, healthyRun >= healthyThreshold else { return nil }
                isUp = true
                return .up
            }
            healthyRun = 0
            unhealthyRun += 1
            guard isUp, unhealthyRun >= unhealthyThreshold else { return nil }
            isUp = false
            return .down
        }
    }
}
