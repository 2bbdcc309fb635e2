import Synchronization

/// One upstream address a balancer may pick, and the transport that reaches it.
///
/// ```swift
/// let target = Target("10.0.0.7:8080", transport: http, weight: 2, maxConcurrent: 100)
/// ```
public struct Target: Sendable {
    /// The dial address: `host:port`, or a socket path for a unix transport.
    public var address: String
    /// The transport that carries requests to ``address``.
    public var transport: any Transport
    /// The share of traffic relative to the pool's other targets (weighted round-robin and
    /// least-connections only); values below 1 count as 1.
    public var weight: Int
    /// The most requests in flight to this target at once (least-connections only); `nil` is unbounded.
    public var maxConcurrent: Int?

    /// Creates a target.
    public init(_ address: String, transport: any Transport, weight: Int = 1, maxConcurrent: Int? = nil) {
        self.address = address
        self.transport = transport
        self.weight = max(weight, 1)
        self.maxConcurrent = maxConcurrent
    }
}

/// The targets a balancer chooses among, with the health gate an active health check drives.
///
/// Every balancer over a pool skips targets whose gate is down; when every gate is down each balancer
/// applies its own all-down policy (fail open or shed). Without a health check every gate stays up.
///
/// ```swift
/// let pool = TargetPool([Target("a:80", transport: http), Target("b:80", transport: http)])
/// let balancer = RoundRobinBalancer(pool)
/// let checked = ActiveHealthCheck(wrapping: balancer, pool: pool)
/// ```
public final class TargetPool: Sendable {
    /// The targets, in the order balancers rotate through them.
    public let targets: [Target]
    private let gates: [Gate]

    private final class Gate: Sendable {
        let isUp = Atomic(true)
    }

    /// Creates a pool whose gates all start up.
    public init(_ targets: [Target]) {
        self.targets = targets
        self.gates = targets.map { _ in Gate() }
    }

    /// The number of targets.
    public var count: Int { targets.count }

    /// The index of the first target whose address is `address`, if any.
    func index(of address: String) -> Int? {
        targets.firstIndex { $0.address == address }
    }

    /// Whether the health gate of target `index` is up.
    public func isUp(_ index: Int) -> Bool {
        gates[index].isUp.load(ordering: .acquiring)
    }

    /// Opens or closes the health gate of target `index`; returns whether it changed.
    @discardableResult
    public func setUp(_ index: Int, _ isUp: Bool) -> Bool {
        gates[index].isUp.exchange(isUp, ordering: .acquiringAndReleasing) != isUp
    }
}
