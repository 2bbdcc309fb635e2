import NIOCore

extension UpstreamConnectionPool {
    /// The bookkeeping of keep-alive pools: per target, idle connections grouped by event loop, the count of
    /// open (or opening) connections, and the callers waiting for one. A pure state machine: no I/O, no
    /// locks; ``UpstreamConnectionPool`` runs it under a mutex and carries out its decisions.
    ///
    /// ```swift
    /// var state = UpstreamConnectionPool<Connection>.StateMachine<Waiter>(maxConnections: 4, maxIdle: 32)
    /// switch state.acquire(target: "10.0.0.7:80", loop: loopID, fresh: false, waiter: nil) {
    /// case .reuse(let connection): send(on: connection)
    /// case .connect: openConnection()
    /// case .wait: break   // only when a waiter was passed; it is resumed by a later release or close
    /// }
    /// ```
    ///
    /// Rules: a caller takes the most recently idled connection of its own loop; failing that it opens a new
    /// one when the target is below its connection limit; failing that it takes an idle connection of
    /// another loop; failing that it waits, first come first served. A released connection goes to the
    /// oldest waiter before it goes idle; a closed one frees its slot for the oldest waiter, who connects.
    /// At most ``maxPooledTargets`` targets keep idle connections: past that, ``evictLeastRecentlyUsed()``
    /// hands over the idle connections of the targets used least recently, to be closed.
    struct StateMachine<Waiter> {
        /// What a caller does next.
        enum Acquisition {
            /// Send on this idle connection.
            case reuse(Connection)
            /// Open a connection: a slot is reserved for it (report ``connectFailed(target:)`` if it fails).
            case connect
            /// The waiter was queued.
            case wait
            /// The pool is shut down.
            case shutDown
        }

        /// What happens to a released connection.
        enum Release {
            /// Hand it to this waiter.
            case handOver(Waiter)
            /// It is idle in the pool now.
            case parked
            /// Close it: not reusable, too many idle, or the pool is shut down.
            case close
        }

        private struct IdleEntry {
            var loop: ObjectIdentifier
            var connection: Connection
        }

        private struct WaitingEntry {
            var id: Int
            var waiter: Waiter
        }

        private struct Target {
            var idle: [IdleEntry] = []
            var open = 0
            var waiters = CircularBuffer<WaitingEntry>()
            /// When it was last acquired or released, on the pool's own use counter.
            var lastUse: UInt64 = 0
        }

        /// The most connections per target (open or opening); `nil` for no limit.
        let maxConnections: Int?
        /// The most idle connections kept per target.
        let maxIdle: Int
        /// The most targets that keep idle connections.
        let maxPooledTargets: Int
        private var targets: [String: Target] = [:]
        /// The number of targets with idle connections.
        private(set) var pooledTargetCount = 0
        private var uses: UInt64 = 0
        private(set) var isShutDown = false

        init(maxConnections: Int?, maxIdle: Int, maxPooledTargets: Int = UpstreamConnectionPool.defaultMaxPooledTargets) {
            self.maxConnections = maxConnections
            self.maxIdle = maxIdle
            self.maxPooledTargets = maxPooledTargets
        }

        /// Finds a connection for a caller on `loop` (`nil`: on no loop of the group).
        ///
        /// - Parameters:
        ///   - fresh: skip idle connections when a new one may be opened (a retry after a stale one).
        ///   - waiter: queued under `waiterID` when the caller must wait; with `nil` the answer is `.wait`
        ///     and nothing is queued.
        mutating func acquire(
            target key: String, loop: ObjectIdentifier?, fresh: Bool, waiterID: Int = 0, waiter: Waiter?
        ) -> Acquisition {
            guard !isShutDown else { return .shutDown }
            let use = nextUse()
            let maxConnections = self.maxConnections
            return update(key, dropsEmpty: false) { target in
                target.lastUse = use
                if !fresh, let index = target.idle.lastIndex(where: { loop == nil || $0.loop == loop }) {
                    return .reuse(target.idle.remove(at: index).connection)
                }
                if maxConnections.map({ target.open < $0 }) ?? true {
                    target.open += 1
                    return .connect
                }
                if let entry = target.idle.popLast() {
                    return .reuse(entry.connection)
                }
                if let waiter {
                    target.waiters.append(WaitingEntry(id: waiterID, waiter: waiter))
                }
                return .wait
            }
        }

        /// Removes the waiter `id` (its caller was cancelled); `nil` when it was already served.
        mutating func cancelWaiter(target key: String, id: Int) -> Waiter? {
            guard var target = targets[key], let index = target.waiters.firstIndex(where: { $0.id == id }) else {
                return nil
            }
            let entry = target.waiters.remove(at: index)
            store(target, at: key)
            return entry.waiter
        }

        /// Takes back `connection`, which finished an exchange; `reusable` says whether it may serve another.
        mutating func release(
            _ connection: Connection, target key: String, loop: ObjectIdentifier, reusable: Bool
        ) -> Release {
            guard reusable, !isShutDown, targets[key] != nil else { return .close }
            let use = nextUse()
            let maxIdle = self.maxIdle
            return update(key, dropsEmpty: true) { target in
                if let entry = target.waiters.popFirst() {
                    return .handOver(entry.waiter)
                }
                guard target.idle.count < maxIdle else { return .close }
                target.idle.append(IdleEntry(loop: loop, connection: connection))
                target.lastUse = use
                return .parked
            }
        }

        /// Takes the idle connections of the least recently used targets while more than
        /// ``maxPooledTargets`` targets keep some; the caller closes them.
        mutating func evictLeastRecentlyUsed() -> [Connection] {
            var evicted: [Connection] = []
            while pooledTargetCount > maxPooledTargets {
                // Ties cannot happen: every use takes a new number.
                let pooled = targets.filter { !$0.value.idle.isEmpty }
                guard let (key, target) = pooled.min(by: { $0.value.lastUse < $1.value.lastUse }) else { break }
                var emptied = target
                evicted += emptied.idle.map(\.connection)
                emptied.idle.removeAll()
                write(emptied, at: key)
            }
            return evicted
        }

        /// Forgets `connection`, which closed; returns the waiter that may now open a connection.
        mutating func closed(_ connection: Connection, target key: String) -> Waiter? {
            guard var target = targets[key] else { return nil }
            target.idle.removeAll { $0.connection === connection }
            return freeSlot(&target, key: key)
        }

        /// Frees the slot reserved by a `.connect` whose connection could not be opened.
        mutating func connectFailed(target key: String) -> Waiter? {
            guard var target = targets[key] else { return nil }
            return freeSlot(&target, key: key)
        }

        /// Shuts the pool: returns every idle connection (to close) and every waiter (to fail).
        mutating func shutDown() -> (idle: [Connection], waiters: [Waiter]) {
            isShutDown = true
            var idle: [Connection] = []
            var waiters: [Waiter] = []
            for key in targets.keys.sorted() {
                guard var target = targets[key] else { continue }
                idle += target.idle.map(\.connection)
                waiters += target.waiters.map(\.waiter)
                target.idle.removeAll()
                target.waiters.removeAll()
                write(target, at: key)
            }
            return (idle, waiters)
        }

        /// The number of connections open or opening to `target`.
        func openCount(target key: String) -> Int { targets[key]?.open ?? 0 }

        /// The event loops of the idle connections to `target`, oldest first.
        func idleLoops(target key: String) -> [ObjectIdentifier] { targets[key]?.idle.map(\.loop) ?? [] }

        /// The number of idle connections to `target`.
        func idleCount(target key: String) -> Int { targets[key]?.idle.count ?? 0 }

        private mutating func freeSlot(_ target: inout Target, key: String) -> Waiter? {
            target.open -= 1
            var next: Waiter?
            if !isShutDown, let entry = target.waiters.popFirst() {
                target.open += 1
                next = entry.waiter
            }
            store(target, at: key)
            return next
        }

        /// Stores `target`, dropping it when it holds nothing, so the table does not grow with every target
        /// ever seen.
        private mutating func store(_ target: Target, at key: String) {
            write(target.open == 0 && target.idle.isEmpty && target.waiters.isEmpty ? nil : target, at: key)
        }

        /// Runs `body` on the entry of `key` (a new one when there is none) taken out of the table, so that
        /// its arrays are uniquely referenced and change in place, without a copy; puts it back — unless
        /// `dropsEmpty` and it holds nothing — keeping ``pooledTargetCount`` in step.
        private mutating func update<Result>(
            _ key: String, dropsEmpty: Bool, _ body: (inout Target) -> Result
        ) -> Result {
            var target = targets.removeValue(forKey: key) ?? Target()
            let wasPooled = !target.idle.isEmpty
            let result = body(&target)
            pooledTargetCount += (target.idle.isEmpty ? 0 : 1) - (wasPooled ? 1 : 0)
            if !dropsEmpty || target.open > 0 || !target.idle.isEmpty || !target.waiters.isEmpty {
                targets[key] = target
            }
            return result
        }

        /// Every change to the table goes through here, keeping ``pooledTargetCount`` in step.
        private mutating func write(_ target: Target?, at key: String) {
            let wasPooled = targets[key].map { !$0.idle.isEmpty } ?? false
            let isPooled = target.map { !$0.idle.isEmpty } ?? false
            pooledTargetCount += (isPooled ? 1 : 0) - (wasPooled ? 1 : 0)
            targets[key] = target
        }

        private mutating func nextUse() -> UInt64 {
            uses += 1
            return uses
        }
    }
}
