public import ParapetCore
import Synchronization

/// Routes each request to the target with the fewest requests in flight for its weight, with an optional
/// hard cap per target (the bulkhead pattern).
///
/// A request counts as in flight from the pick until its response body ends — read to the end, failed, or
/// dropped unread — or at once when the round trip throws. ``Target/maxConcurrent`` is never exceeded,
/// even under a concurrent burst: full targets are skipped, and when every target whose health gate is
/// up is full the balancer sheds (``ShedReason/saturated``, answered `503`) rather than overload them.
/// When every gate is down it fails open over the whole pool, still within the caps, and sheds
/// ``ShedReason/allDark`` if those are full too. The decisions are ``LeastConnectionsBalancer/StateMachine``'s.
///
/// Bound total request time (a deadline the transport honours) so that a backend stalling mid-body cannot
/// hold its slots for ever.
///
/// ```swift
/// let balancer = LeastConnectionsBalancer(
///     TargetPool([
///         Target("10.0.0.1:8080", transport: http, weight: 2, maxConcurrent: 200),
///         Target("10.0.0.2:8080", transport: http, maxConcurrent: 100),
///     ]),
///     options: .init(onShed: { reason in logger.warning("shed: \(reason.rawValue)") })
/// )
/// ```
public final class LeastConnectionsBalancer: Transport {
    /// One target's bulkhead occupancy at the moment of a snapshot.
    public struct TargetLoad: Sendable, Hashable {
        /// The target's address.
        public var address: String
        /// The requests in flight to it.
        public var active: Int
        /// Its cap; `nil` is unbounded.
        public var cap: Int?

        /// Creates a snapshot row.
        public init(address: String, active: Int, cap: Int?) {
            self.address = address
            self.active = active
            self.cap = cap
        }
    }

    /// The targets balanced over.
    public let pool: TargetPool
    /// The options the balancer was created with.
    public let options: Options
    private let table: Mutex<StateMachine>

    /// Creates a balancer over `pool`, reading each target's weight and cap once; a cap below 1 means
    /// unbounded. It cannot fail: ``Options`` holds nothing that could be out of range.
    public init(_ pool: TargetPool, options: Options = Options()) {
        self.pool = pool
        self.options = options
        self.table = Mutex(
            StateMachine(
                peers: pool.targets.map {
                    StateMachine.Peer(weight: $0.weight, cap: $0.maxConcurrent)
                }))
    }

    /// Every target's requests in flight and cap, in pool order.
    public func inflight() -> [TargetLoad] {
        let peers = table.withLock { $0.peers }
        return zip(pool.targets, peers).map { TargetLoad(address: $0.address, active: $1.active, cap: $1.cap) }
    }

    /// Throws the problems of the pool's transports.
    public func checkConfiguration() throws {
        try ChainBuildProblems.check(own: nil, transports: pool.targets.map(\.transport))
    }

    /// Sends `request` to the least-loaded target with a free slot, holding the slot until the response
    /// body ends.
    ///
    /// - Throws: ``UpstreamError/unavailable(_:)`` when the request is shed; otherwise whatever the
    ///   target's transport throws.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        let pool = self.pool
        let index: Int
        switch table.withLock({ $0.pick(isAdmissible: pool.isUp) }) {
        case .admit(let admitted):
            index = admitted
        case .shed(let reason):
            options.onShed?(reason)
            throw UpstreamError.unavailable(reason)
        }
        let lease = SlotLease { [self] in
            table.withLock { $0.release(index) }
        }
        let target = pool.targets[index]
        var request = request
        request.target = target.address
        var answer: UpstreamResponse
        do {
            answer = try await target.transport.roundTrip(request, context: context)
        } catch {
            lease.release()
            throw error
        }
        answer.response.body = answer.response.body.holding(lease)
        return answer
    }
}
