import NIOCore

extension RedisClient {
    /// The connection pool of a ``RedisClient`` as a pure state machine: which slot is connected, connecting
    /// or waiting to reconnect, which connection the next call uses, and when a failed slot may try again.
    ///
    /// It does no I/O. The client asks it what to do (``acquire(now:makeAttempt:)``), performs the
    /// connects it returns, and reports what happened. Every event names the slot and the generation of the
    /// connection it is about, so a late event about a connection that is already gone changes nothing.
    ///
    /// `Connection` is what calls are sent on; `Attempt` is what a call waits on while a slot connects.
    struct StateMachine<Connection, Attempt> {
        enum Slot {
            /// No connection; the next call at or after `retryAt` opens one. `failures` counts consecutive
            /// failed connections, which sets the backoff.
            case idle(retryAt: NIODeadline, failures: Int)
            /// Opening connection `generation`.
            case connecting(generation: Int, failures: Int, attempt: Attempt)
            /// Connection `generation` is open and takes calls.
            case connected(generation: Int, failures: Int, connection: Connection)
        }

        /// A connection the client must open for a slot.
        struct Connect {
            let slot: Int
            let generation: Int
            let attempt: Attempt
        }

        /// What a call does next.
        enum Acquisition {
            /// Send on this connection.
            case use(Connection)
            /// Wait for a slot that is connecting.
            case wait(Attempt)
            /// Fail at once: nothing is connected and every slot is backing off.
            case unavailable
            /// Fail at once: the client is closed.
            case closed
        }

        private(set) var slots: [Slot]
        private(set) var isClosed = false
        private let backoff: RedisBackoff
        private var nextGeneration = 0
        private var rotation = 0

        /// Creates a pool of `size` idle slots (at least one) that connect on first use.
        init(size: Int, backoff: RedisBackoff) {
            self.slots = Array(repeating: .idle(retryAt: .distantPast, failures: 0), count: max(1, size))
            self.backoff = backoff
        }

        /// Chooses how a call made at `now` gets a connection: the next connected slot in rotation, else a
        /// slot that is connecting. Every idle slot whose backoff has passed starts connecting (with an
        /// attempt from `makeAttempt`), so the pool refills itself on use.
        mutating func acquire(now: NIODeadline, makeAttempt: () -> Attempt) -> (Acquisition, [Connect]) {
            guard !isClosed else { return (.closed, []) }
            var connects: [Connect] = []
            for index in slots.indices {
                guard case .idle(let retryAt, let failures) = slots[index], retryAt <= now else { continue }
                let attempt = makeAttempt()
                slots[index] = .connecting(generation: nextGeneration, failures: failures, attempt: attempt)
                connects.append(Connect(slot: index, generation: nextGeneration, attempt: attempt))
                nextGeneration += 1
            }
            for step in slots.indices {
                let index = (rotation + step) % slots.count
                if case .connected(_, _, let connection) = slots[index] {
                    rotation = (index + 1) % slots.count
                    return (.use(connection), connects)
                }
            }
            for slot in slots {
                if case .connecting(_, _, let attempt) = slot { return (.wait(attempt), connects) }
            }
            return (.unavailable, connects)
        }

        /// Connection `generation` of `slot` opened. Returns `false` if it is no longer wanted (the client
        /// closed, or the slot moved on), in which case the caller closes it.
        mutating func connectSucceeded(slot: Int, generation: Int, connection: Connection) -> Bool {
            guard !isClosed, slots.indices.contains(slot),
                case .connecting(generation, let failures, _) = slots[slot]
            else { return false }
            slots[slot] = .connected(generation: generation, failures: failures, connection: connection)
            return true
        }

        /// Connection `generation` of `slot` could not be opened at `now`: back off before the next try.
        mutating func connectFailed(slot: Int, generation: Int, now: NIODeadline) {
            guard slots.indices.contains(slot), case .connecting(generation, let failures, _) = slots[slot] else { return }
            slots[slot] = idleAfterFailure(failures + 1, now: now)
        }

        /// Connection `generation` of `slot` stopped taking calls at `now`: it closed, or it timed out or
        /// failed and was retired. A connection that answered and never failed (the server closed it, or
        /// restarted) is replaced at once. One that answered and then failed starts a new streak of
        /// failures; one that never answered extends the streak, so a server that accepts connections but
        /// never replies is retried less and less often.
        mutating func connectionLost(slot: Int, generation: Int, hasAnswered: Bool, hasFailed: Bool, now: NIODeadline) {
            guard slots.indices.contains(slot) else { return }
            switch slots[slot] {
            case .connected(generation, let failures, _):
                switch (hasAnswered, hasFailed) {
                case (true, false): slots[slot] = .idle(retryAt: now, failures: 0)
                case (true, true): slots[slot] = idleAfterFailure(1, now: now)
                case (false, _): slots[slot] = idleAfterFailure(failures + 1, now: now)
                }
            case .connecting(generation, let failures, _):
                slots[slot] = idleAfterFailure(failures + 1, now: now)
            default:
                return
            }
        }

        /// Closes the pool: every later call fails with ``Acquisition/closed``. Returns the open connections
        /// to close and the attempts whose waiters to fail.
        mutating func close() -> (connections: [Connection], attempts: [Attempt]) {
            isClosed = true
            var connections: [Connection] = []
            var attempts: [Attempt] = []
            for slot in slots {
                switch slot {
                case .connected(_, _, let connection): connections.append(connection)
                case .connecting(_, _, let attempt): attempts.append(attempt)
                case .idle: break
                }
            }
            slots = slots.map { _ in .idle(retryAt: .distantFuture, failures: 0) }
            return (connections, attempts)
        }

        private func idleAfterFailure(_ failures: Int, now: NIODeadline) -> Slot {
            .idle(retryAt: now + TimeAmount(backoff.delay(afterFailures: failures)), failures: failures)
        }
    }
}
