public import ParapetCore
import Synchronization

/// Distributes requests over a pool in proportion to each ``Target/weight``, with nginx's smooth weighted
/// round-robin (see ``SmoothWeightedRoundRobin``).
///
/// Weights 5, 1, 1 route `a a b a c a a` and exactly 5 : 1 : 1 in the long run; equal weights give plain
/// round-robin. Targets whose health gate is down are frozen and the survivors keep their exact ratio; a
/// target coming back starts from zero. When every gate is down it routes over the whole pool (fail
/// open); an empty pool sheds with ``UpstreamError/unavailable(_:)`` (``ShedReason/empty``).
///
/// It balances request *count*; ``LeastConnectionsBalancer`` balances concurrency.
///
/// ```swift
/// let balancer = WeightedRoundRobinBalancer(TargetPool([
///     Target("10.0.0.1:8080", transport: http, weight: 3),
///     Target("10.0.0.2:8080", transport: http, weight: 1),
/// ]))
/// ```
public final class WeightedRoundRobinBalancer: Transport {
    /// The targets balanced over.
    public let pool: TargetPool
    private let rotation: Mutex<SmoothWeightedRoundRobin>

    /// Creates a balancer over `pool`, reading each target's weight once.
    public init(_ pool: TargetPool) {
        self.pool = pool
        self.rotation = Mutex(SmoothWeightedRoundRobin(weights: pool.targets.map(\.weight)))
    }

    /// Throws the problems of the pool's transports.
    public func checkConfiguration() throws {
        try ChainBuildProblems.check(own: nil, transports: pool.targets.map(\.transport))
    }

    /// Sends `request` to the next target of the weighted rotation.
    ///
    /// - Throws: ``UpstreamError/unavailable(_:)`` for an empty pool; otherwise whatever the target's
    ///   transport throws.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        let pool = self.pool
        guard let index = rotation.withLock({ $0.pick(isAdmissible: pool.isUp) }) else {
            throw UpstreamError.unavailable(.empty)
        }
        let target = pool.targets[index]
        var request = request
        request.target = target.address
        return try await target.transport.roundTrip(request, context: context)
    }
}
