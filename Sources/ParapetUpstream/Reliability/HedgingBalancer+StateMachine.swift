extension HedgingBalancer {
    /// The decisions of a ``HedgingBalancer`` race as a pure value: which leg to launch when, who won, when
    /// to give up. Legs are numbered from 0 (the primary) in launch order.
    ///
    /// The primary leg is launched at once and the hedge timer armed; each time the armed timer fires
    /// another leg is launched (and the timer re-armed while legs remain). With `hedgeOnError`, a leg that
    /// lost launches the next one at once (re-arming the timer). The first winning leg finishes the race;
    /// when every leg has lost, the race is exhausted. Timers are told apart by a generation number, so a
    /// timer superseded by an early launch fires harmlessly.
    ///
    /// ```swift
    /// var race = HedgingBalancer.StateMachine(maxHedge: 1, hedgeOnError: true)
    /// var action = race.start()                          // .launch(leg: 0, timer: 1)
    /// action = race.timerFired(1)                        // .launch(leg: 1, timer: nil)
    /// action = race.legFinished(1, won: true)            // .finish(winner: 1)
    /// ```
    public struct StateMachine: Sendable, Hashable {
        /// What the race's driver does next.
        public enum Action: Sendable, Hashable {
            /// Launch leg `leg`; then, when `timer` is not `nil`, arm the hedge timer with that generation.
            case launch(leg: Int, timer: Int?)
            /// Wait for the next leg to finish or the armed timer to fire.
            case wait
            /// Leg `winner` won: cancel every other leg and answer with its outcome.
            case finish(winner: Int)
            /// Every leg lost.
            case exhausted
        }

        /// The most legs: the primary and the hedges.
        public let maxLegs: Int
        /// Whether a losing leg launches the next one without waiting for the timer.
        public let hedgeOnError: Bool
        /// Legs launched so far.
        public private(set) var launched = 0
        /// Legs finished so far.
        public private(set) var finished = 0
        /// The generation of the armed timer; a timer of any other generation is stale.
        private var timer = 0
        private var isDecided = false

        /// Creates a race of at most `1 + maxHedge` legs; `maxHedge` below 1 counts as 1.
        public init(maxHedge: Int, hedgeOnError: Bool) {
            self.maxLegs = 1 + max(maxHedge, 1)
            self.hedgeOnError = hedgeOnError
        }

        /// Launches the primary leg.
        public mutating func start() -> Action {
            guard launched == 0 else { return .wait }
            return launchNext()
        }

        /// The hedge timer of `generation` fired.
        public mutating func timerFired(_ generation: Int) -> Action {
            guard !isDecided, generation == timer, launched < maxLegs else { return .wait }
            return launchNext()
        }

        /// Leg `leg` finished; `won` says whether its outcome passes the winner test.
        public mutating func legFinished(_ leg: Int, won: Bool) -> Action {
            guard !isDecided else { return .wait }
            finished += 1
            if won {
                isDecided = true
                return .finish(winner: leg)
            }
            if finished >= maxLegs {
                isDecided = true
                return .exhausted
            }
            if hedgeOnError && launched < maxLegs {
                return launchNext()
            }
            return .wait
        }

        private mutating func launchNext() -> Action {
            let leg = launched
            launched += 1
            timer += 1  // supersedes any armed timer
            return .launch(leg: leg, timer: launched < maxLegs ? timer : nil)
        }
    }
}
