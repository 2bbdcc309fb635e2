public import ParapetCore
public import ParapetUpstream

/// The simulated backends of a scenario, one per target, as a `Transport` that answers for each target by
/// address (the request's `target`, as balancers set it).
///
/// Give the balancers each backend as its target's transport — `pool(weights:)` does — and hand
/// ``probeTransport`` to `ActiveHealthCheck` so that probes are counted apart from traffic.
///
/// ```swift
/// try Simulation(seed: 1).run { runtime in
///     let fleet = SimulatedFleet(targets: [.init("a"), .init("b", behaviour: .dead(after: .milliseconds(1)))], runtime: runtime)
///     let balancer = CircuitBreakerBalancer(fleet.pool())
///     _ = try? await balancer.roundTrip(request, context: context)
///     print(fleet.backend(named: "b")?.requestCount ?? 0)
/// }
/// ```
public final class SimulatedFleet: Transport {
    /// The backends, in target order.
    public let backends: [SimulatedBackend]
    private let indices: [String: Int]

    /// Creates the backends for `targets`, following `timeline`.
    public convenience init(
        targets: [Scenario.Target],
        timeline: [Scenario.TimelineEvent] = [],
        runtime: Runtime,
        transportTimeout: Duration? = nil
    ) {
        self.init(targets: targets, timeline: timeline, runtime: runtime, transportTimeout: transportTimeout, layout: .untimed)
    }

    init(targets: [Scenario.Target], timeline: [Scenario.TimelineEvent], runtime: Runtime, transportTimeout: Duration?, layout: ReportLayout) {
        backends = targets.map {
            SimulatedBackend(target: $0, timeline: timeline, runtime: runtime, transportTimeout: transportTimeout, layout: layout)
        }
        var indices: [String: Int] = [:]
        for (index, backend) in backends.enumerated() where indices[backend.address] == nil {
            indices[backend.address] = index
        }
        self.indices = indices
    }

    /// The backend answering for `address`.
    public func backend(named address: String) -> SimulatedBackend? {
        indices[address].map { backends[$0] }
    }

    func index(of address: String) -> Int? {
        indices[address]
    }

    /// A `TargetPool` of every backend with the targets' weights and concurrency caps.
    public func pool(_ targets: [Scenario.Target]? = nil) -> TargetPool {
        TargetPool(backends.enumerated().map { index, backend in
            let target = targets.flatMap { $0.indices.contains(index) ? $0[index] : nil }
            return Target(backend.address, transport: backend, weight: target?.weight ?? 1, maxConcurrent: target?.maxConcurrent)
        })
    }

    /// Routes to the backend named by `request.target`.
    ///
    /// - Throws: `UpstreamError.failed` with ``SimulatedNetworkFailure/connectionRefused`` for an unknown address.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        guard let address = request.target, let backend = backend(named: address) else {
            throw UpstreamError.failed(target: request.target, underlying: SimulatedNetworkFailure.connectionRefused)
        }
        return try await backend.roundTrip(request, context: context)
    }

    /// A transport for `ActiveHealthCheck.Options.probeTransport`: probes reach the same backends but are
    /// counted as probes, not traffic.
    public var probeTransport: any Transport {
        ProbeTransport(fleet: self)
    }
}

/// Health-check probes to a fleet.
private struct ProbeTransport: Transport {
    let fleet: SimulatedFleet

    func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        guard let address = request.target, let backend = fleet.backend(named: address) else {
            throw UpstreamError.failed(target: request.target, underlying: SimulatedNetworkFailure.connectionRefused)
        }
        return try await backend.probe(request)
    }
}
