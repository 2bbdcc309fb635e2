/// The decision of a weighted round-robin balancer: nginx's smooth weighted round-robin.
///
/// On every pick each admissible peer's counter grows by its weight, the largest counter wins (the lowest
/// index on ties), and the winner gives back the sum of the admissible peers' weights. The counters always
/// sum to zero, so the long-run shares are exactly proportional to the weights, and a heavy peer's turns
/// are interleaved with the others' instead of dealt in a burst: weights 5, 1, 1 pick `0 0 1 0 2 0 0`.
///
/// A peer that is not admissible is frozen — neither bumped nor picked — so the survivors keep their exact
/// ratio; when it becomes admissible again its counter restarts at zero, so it does not rush back with a
/// stale lead. When no peer is admissible the pick is a plain step over every peer (fail open).
///
/// ```swift
/// var rotation = SmoothWeightedRoundRobin(weights: [5, 1, 1])
/// let picks = (0..<7).compactMap { _ in rotation.pick { _ in true } }   // [0, 0, 1, 0, 2, 0, 0]
/// ```
public struct SmoothWeightedRoundRobin: Sendable, Hashable {
    private struct Peer: Sendable, Hashable {
        let weight: Int
        var current = 0
        var wasAdmissible = true
    }

    private var peers: [Peer]
    private let totalWeight: Int

    /// Creates a rotation over peers with these weights; values below 1 count as 1.
    public init(weights: [Int]) {
        let peers = weights.map { Peer(weight: effectiveWeight($0)) }
        self.peers = peers
        self.totalWeight = peers.reduce(0) { $0 + $1.weight }
    }

    /// The number of peers.
    public var count: Int { peers.count }

    /// Each peer's running counter, in peer order.
    public var currentWeights: [Int] { peers.map(\.current) }

    /// Picks the next peer among those for which `isAdmissible` holds, or among all peers when none does;
    /// `nil` when there are no peers.
    public mutating func pick(isAdmissible: (Int) -> Bool) -> Int? {
        guard !peers.isEmpty else { return nil }
        var admissibleWeight = 0
        var best: Int?
        for index in peers.indices {
            let admissible = isAdmissible(index)
            if admissible && !peers[index].wasAdmissible {
                peers[index].current = 0
            }
            peers[index].wasAdmissible = admissible
            guard admissible else { continue }
            peers[index].current += peers[index].weight
            admissibleWeight += peers[index].weight
            if best.map({ peers[index].current > peers[$0].current }) ?? true {
                best = index
            }
        }
        guard let best else {
            return pickAmongAll()
        }
        peers[best].current -= admissibleWeight
        return best
    }

    /// One plain step over every peer, for when none is admissible.
    private mutating func pickAmongAll() -> Int {
        var best = 0
        for index in peers.indices {
            peers[index].current += peers[index].weight
            if peers[index].current > peers[best].current {
                best = index
            }
        }
        peers[best].current -= totalWeight
        return best
    }
}
