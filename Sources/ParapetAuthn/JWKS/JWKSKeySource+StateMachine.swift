import ParapetCore

extension JWKSKeySource {
    /// When a JWKS is fetched, and which key set serves meanwhile — pure, driven by `now` and fetch
    /// results, tested on its own.
    ///
    /// One fetch at a time: a request that needs a refresh while one runs joins it. A refresh for an
    /// unknown `kid` starts only when none started within the minimum refresh interval, so a flood of
    /// tokens with invented ids costs at most one fetch per interval. A failed fetch keeps the last good set.
    struct StateMachine<Waiter> {
        let minimumInterval: Duration
        /// The last good key set; `nil` until a fetch succeeds.
        private(set) var ring: KeyRing?
        /// Whether the last fetch to end failed: the background loop then retries sooner.
        private(set) var lastFetchFailed = false
        private var generations: UInt64 = 0
        private var lastStart: MonotonicInstant?
        /// The callers waiting for the running fetch; `nil` when none runs.
        private var waiters: [Waiter]?

        init(minimumInterval: Duration) {
            self.minimumInterval = minimumInterval
        }

        /// What a caller that wants fresher keys does.
        enum Decision: Equatable {
            /// Fetch now, building the ring as `generation`; report with ``fetchFinished(_:)``.
            case fetch(generation: UInt64)
            /// A fetch is running and the waiter was kept: it is resumed when the fetch ends.
            case wait
            /// Use the current ring: a fetch started too recently (or runs, and the caller won't wait).
            case useCurrent
        }

        /// A refresh is wanted at `now`. A `scheduled` one (the background loop, the first load) fetches
        /// unless one runs; one for an unknown `kid` found missing from the set of generation `seen` is
        /// answered by a newer set if there is one, and is rate-limited. A `waiter` joins a running fetch.
        mutating func refreshWanted(
            at now: MonotonicInstant, scheduled: Bool, seen: UInt64? = nil, waiter: Waiter?
        ) -> Decision {
            if let seen, let ring, ring.generation > seen { return .useCurrent }
            if waiters != nil {
                guard let waiter else { return .useCurrent }
                waiters?.append(waiter)
                return .wait
            }
            if !scheduled, let lastStart, now < lastStart.advanced(by: minimumInterval) { return .useCurrent }
            lastStart = now
            waiters = []
            generations += 1
            return .fetch(generation: generations)
        }

        /// The running fetch ended with `ring` (`nil`: it failed, and the last good set stays). Returns the
        /// waiters to resume with ``ring``.
        mutating func fetchFinished(_ ring: KeyRing?) -> [Waiter] {
            if let ring { self.ring = ring }
            lastFetchFailed = ring == nil
            defer { waiters = nil }
            return waiters ?? []
        }
    }
}
