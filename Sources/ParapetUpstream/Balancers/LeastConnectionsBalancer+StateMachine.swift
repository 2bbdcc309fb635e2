extension LeastConnectionsBalancer {
    /// The decision of a least-connections balancer: who has the fewest requests in flight for its weight,
    /// and who is full.
    ///
    /// A pick claims a slot on the peer with the lowest `active / weight` (compared by cross-multiplying, in
    /// integers) among those under their cap, scanning from a cursor that moves one peer per pick so that
    /// equally loaded peers take turns. Every admitted pick must be matched by exactly one ``release(_:)``.
    ///
    /// Peers that are not admissible (health gate down) are skipped. When none is admissible the pick fails
    /// open over every peer, still respecting the caps. The sheds: no peers (``ShedReason/empty``), every
    /// admissible peer at its cap (``ShedReason/saturated``), nobody admissible and every peer at its cap
    /// (``ShedReason/allDark``).
    ///
    /// ```swift
    /// var table = LeastConnectionsBalancer.StateMachine(peers: [.init(weight: 1, cap: 1), .init(weight: 1)])
    /// table.pick { _ in true }   // .admit(0)
    /// table.pick { _ in true }   // .admit(1)
    /// table.pick { _ in true }   // .admit(1): peer 0 is at its cap
    /// table.release(0)
    /// ```
    public struct StateMachine: Sendable, Hashable {
        /// One peer's configuration and load.
        public struct Peer: Sendable, Hashable {
            /// The peer's weight, at least 1.
            public let weight: Int
            /// The most requests in flight at once; `nil` is unbounded.
            public let cap: Int?
            /// The requests in flight now.
            public internal(set) var active: Int = 0

            /// Creates an idle peer. A weight below 1 counts as 1; a cap below 1 means unbounded.
            public init(weight: Int = 1, cap: Int? = nil) {
                self.weight = effectiveWeight(weight)
                self.cap = cap.flatMap { $0 > 0 ? $0 : nil }
            }

            /// Whether the peer holds as many requests as its cap allows.
            public var isFull: Bool {
                cap.map { active >= $0 } ?? false
            }
        }

        /// What a pick decided.
        public enum Admission: Sendable, Hashable {
            /// A slot on this peer was claimed.
            case admit(Int)
            /// No slot can be claimed, for this reason.
            case shed(ShedReason)
        }

        /// The peers, in pool order.
        public private(set) var peers: [Peer]
        private var cursor = 0

        /// Creates a table of idle peers.
        public init(peers: [Peer]) {
            self.peers = peers
        }

        /// Claims a slot on the least-loaded peer under its cap among those for which `isAdmissible` holds —
        /// or among all peers when none does — or says why none can be claimed.
        public mutating func pick(isAdmissible: (Int) -> Bool) -> Admission {
            guard !peers.isEmpty else { return .shed(.empty) }
            let start = cursor
            cursor = start + 1 == peers.count ? 0 : start + 1
            var sawAdmissible = false
            var best = leastLoaded(from: start) { index in
                guard isAdmissible(index) else { return false }
                sawAdmissible = true
                return true
            }
            if best == nil && !sawAdmissible {
                best = leastLoaded(from: start) { _ in true }
                if best == nil { return .shed(.allDark) }
            }
            guard let best else { return .shed(.saturated) }
            peers[best].active += 1
            return .admit(best)
        }

        /// Gives back a slot claimed on peer `index`.
        public mutating func release(_ index: Int) {
            guard peers.indices.contains(index), peers[index].active > 0 else { return }
            peers[index].active -= 1
        }

        /// The least-loaded peer under its cap among those `considered`, scanning from `start`; the first
        /// found wins ties.
        private func leastLoaded(from start: Int, considered: (Int) -> Bool) -> Int? {
            var best: Int?
            for offset in 0..<peers.count {
                let index = start + offset < peers.count ? start + offset : start + offset - peers.count
                guard considered(index), !peers[index].isFull else { continue }
                if best.map({ Self.isLess(peers[index], than: peers[$0]) }) ?? true {
                    best = index
                }
            }
            return best
        }

        /// Whether `lhs.active / lhs.weight < rhs.active / rhs.weight`, compared exactly in integers.
        private static func isLess(_ lhs: Peer, than rhs: Peer) -> Bool {
            let left = lhs.active.multipliedFullWidth(by: rhs.weight)
            let right = rhs.active.multipliedFullWidth(by: lhs.weight)
            return (left.high, left.low) < (right.high, right.low)
        }
    }
}
