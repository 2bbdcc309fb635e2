public import ParapetCore
import Synchronization

/// Spreads requests evenly over a pool in strict rotation, skipping targets whose health gate is down.
///
/// The rotation starts at the pool's first target and ignores ``Target/weight``. When every gate is down
/// it fails open to the target whose turn it is, so a broken health signal cannot black-hole a healthy
/// pool; an empty pool sheds with ``UpstreamError/unavailable(_:)`` (``ShedReason/empty``).
///
/// ```swift
/// let pool = TargetPool([Target("10.0.0.1:8080", transport: http), Target("10.0.0.2:8080", transport: http)])
/// let balancer = RoundRobinBalancer(pool)
/// let answer = try await balancer.roundTrip(UpstreamRequest(head: request.head), context: context)
/// ```
public final class RoundRobinBalancer: Transport {
    /// The targets rotated over.
    public let pool: TargetPool
    private let rotation: Mutex<RoundRobinRotation>

    /// Creates a balancer over `pool`.
    public init(_ pool: TargetPool) {
        self.pool = pool
        self.rotation = Mutex(RoundRobinRotation(count: pool.count))
    }

    /// Throws the problems of the pool's transports.
    public func checkConfiguration() throws {
        try ChainBuildProblems.check(own: nil, transports: pool.targets.map(\.transport))
    }

    /// Sends `request` to the next target in the rotation.
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
