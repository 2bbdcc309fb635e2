import ParapetCore
extension SimulatedRedis {
    /// A simulated Redis server and the network to it as a pure value: its state, its keys and their
    /// expiries, and what becomes of each call. It does no I/O and reads no clock: instants come in as
    /// nanoseconds of virtual time, and every latency is drawn from the generator it is given. Keys expire
    /// in whole milliseconds, as Redis keeps them.
    ///
    /// A call's fate is decided when it is made, by the state at that instant; only a reply already in
    /// flight is lost if the server goes down (the connection closes under it) or is cut off (the reply
    /// never arrives) before it lands.
    struct StateMachine: Sendable {
        /// A reply on its way back to the client.
        struct Reply: Sendable, Hashable {
            let count: Int
            let timeToLive: Int64
            /// When the call was made, and when the reply lands.
            let start: Int64
            let arrival: Int64
            /// The server's ``StateMachine/changes`` and ``StateMachine/crashes`` when the call was made.
            let changes: Int
            let crashes: Int
        }

        /// What becomes of a call when it is made.
        enum Plan: Sendable, Hashable {
            /// The server counted; the reply is in flight until ``Reply/arrival``.
            case inFlight(Reply)
            /// The call fails with `failure` at `at`.
            case fail(SimulatedRedisError, at: Int64)
        }

        /// What the client gets when a reply was due.
        enum Delivery: Sendable, Hashable {
            /// The reply.
            case answer(count: Int, timeToLive: Int64)
            /// The reply was lost: the call fails with `failure` at `at`.
            case fail(SimulatedRedisError, at: Int64)
        }

        private struct Entry: Sendable {
            var count: Int
            /// The millisecond of virtual time after which the key no longer exists.
            var expiresAt: Int64
        }

        /// Up, down or cut off.
        private(set) var state = State.up
        /// The client's budget per call, in nanoseconds.
        let timeout: Int64
        private var sampler: LatencySampler
        private var keys: [String: Entry] = [:]
        /// How many keys the store may hold before the next sweep of expired ones.
        private var sweepAt = Self.smallestSweep
        /// Changes of state so far, and how many of them took the server down: a reply in flight compares
        /// them with what they were when its call was made.
        private var changes = 0
        private var crashes = 0

        private static let smallestSweep = 1_024

        /// A server that is up, answering after `latency`, for a client that gives up after `timeout`.
        init(latency: LatencyDistribution, timeout: Duration) {
            self.sampler = LatencySampler(latency)
            self.timeout = max(timeout.wholeNanoseconds, 0)
        }

        /// How many keys the server holds, expired ones it has not yet swept included.
        var keyCount: Int { keys.count }

        /// Moves the server to `state`. Going down loses every key, as a restarted Redis without
        /// persistence does.
        mutating func set(_ state: State) {
            guard state != self.state else { return }
            self.state = state
            changes += 1
            if state == .down {
                crashes += 1
                keys = [:]
                sweepAt = Self.smallestSweep
            }
        }

        /// Draws the latency of calls made from now on from `latency`.
        mutating func set(latency: LatencyDistribution) {
            sampler = LatencySampler(latency)
        }

        /// A call made at `now` (virtual nanoseconds) to increment `key`, giving it an expiry of
        /// `milliseconds` if it is new.
        ///
        /// Down: refused at once. Cut off: no answer until the timeout. Up: the server counts, and the
        /// reply takes a latency drawn from `random`; one slower than the timeout still counted, but the
        /// client has given up at the timeout.
        mutating func call<Generator: RandomNumberGenerator>(
            _ key: String, expiringNewKeyAfter milliseconds: Int64, at now: Int64, using random: inout Generator
        ) -> Plan {
            switch state {
            case .down:
                return .fail(.unavailable, at: now)
            case .partitioned:
                return .fail(.timedOut, at: now &+ timeout)
            case .up:
                let latency = sampler.next(using: &random)
                let (count, timeToLive) = increment(key, expiringNewKeyAfter: milliseconds, at: now / 1_000_000)
                guard latency <= timeout else { return .fail(.timedOut, at: now &+ timeout) }
                return .inFlight(
                    Reply(
                        count: count, timeToLive: timeToLive, start: now, arrival: now &+ latency, changes: changes,
                        crashes: crashes))
            }
        }

        /// The reply `reply` lands: it is answered if the server has not changed state since the call.
        /// A server that went down in between closed the connection (the call fails now); one that was cut
        /// off lost the reply (the call fails at its timeout).
        func deliver(_ reply: Reply) -> Delivery {
            if crashes != reply.crashes { return .fail(.connectionClosed, at: reply.arrival) }
            if changes != reply.changes { return .fail(.timedOut, at: reply.start &+ timeout) }
            return .answer(count: reply.count, timeToLive: reply.timeToLive)
        }

        /// What the increment-and-expire script does on a Redis server: `INCR`, then `PEXPIRE` if the key
        /// has no expiry; the count and the key's remaining time to live. A key lives until the millisecond
        /// of its expiry has passed, as in Redis. `now` is in milliseconds.
        private mutating func increment(_ key: String, expiringNewKeyAfter milliseconds: Int64, at now: Int64)
            -> (count: Int, timeToLive: Int64)
        {
            if var entry = keys[key], now <= entry.expiresAt {
                entry.count += 1
                keys[key] = entry
                return (entry.count, entry.expiresAt - now)
            }
            sweepExpiredKeys(at: now)
            keys[key] = Entry(count: 1, expiresAt: now &+ milliseconds)
            return (1, milliseconds)
        }

        /// Forgets expired keys once the store has doubled since the last sweep, so a long run's memory
        /// follows the live keys at a constant cost per call, as Redis's own expiry cycle keeps it.
        private mutating func sweepExpiredKeys(at now: Int64) {
            guard keys.count >= sweepAt else { return }
            keys = keys.filter { now <= $0.value.expiresAt }
            sweepAt = max(Self.smallestSweep, keys.count * 2)
        }
    }
}
