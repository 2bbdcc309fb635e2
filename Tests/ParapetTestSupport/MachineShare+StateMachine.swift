extension MachineShare {
    /// Which marked tests may run now: any number of timing-sensitive ones together, or one CPU-heavy one
    /// alone. Tests are admitted in the order they asked, so a heavy test is not starved by a stream of
    /// timing-sensitive ones (nor the other way round).
    struct StateMachine<Waiter> {
        private var runningHeavy = false
        private var runningTimingSensitive = 0
        private var waiting: [(kind: Kind, waiter: Waiter)] = []

        /// A test of `kind` asks to run; returns whether it may start now (otherwise it waits its turn).
        mutating func request(_ kind: Kind, waiter: Waiter) -> Bool {
            guard waiting.isEmpty, admits(kind) else {
                waiting.append((kind, waiter))
                return false
            }
            enter(kind)
            return true
        }

        /// A test of `kind` finished; returns the waiting tests that may start now, in the order they asked.
        mutating func finished(_ kind: Kind) -> [Waiter] {
            switch kind {
            case .cpuHeavy: runningHeavy = false
            case .timingSensitive: runningTimingSensitive -= 1
            }
            var admitted: [Waiter] = []
            while let next = waiting.first, admits(next.kind) {
                waiting.removeFirst()
                enter(next.kind)
                admitted.append(next.waiter)
            }
            return admitted
        }

        private func admits(_ kind: Kind) -> Bool {
            switch kind {
            case .cpuHeavy: !runningHeavy && runningTimingSensitive == 0
            case .timingSensitive: !runningHeavy
            }
        }

        private mutating func enter(_ kind: Kind) {
            switch kind {
            case .cpuHeavy: runningHeavy = true
            case .timingSensitive: runningTimingSensitive += 1
            }
        }
    }
}
