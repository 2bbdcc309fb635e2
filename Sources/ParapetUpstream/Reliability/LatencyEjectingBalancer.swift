public import ParapetCore

/// A round-robin balancer that ejects gray failures: a target still answering, but far slower than its
/// peers.
///
/// It times every successful round trip to the response head on the injected clock and keeps a
/// time-decayed mean per target; a target whose mean reaches ``Options/Policy/ejectionFactor`` × the pool
/// median (and the absolute floors) is ejected for a backed-off cooldown, then re-earns its place with
/// fresh samples. The test is relative to the pool, so a uniform slowdown ejects nobody, and the
/// ejection cap and panic threshold keep a systemic slowdown from draining the pool. It is latency-only:
/// a round trip that throws is neither timed nor counted — pair it with a circuit breaker or an
/// ejecting balancer for errors. The decisions are those of ``LatencyEjectingBalancer/StateMachine``.
///
/// All-down: an empty pool sheds with ``ShedReason/empty``; otherwise it never sheds. When more than
/// ``Options/Policy/panicThreshold`` percent of the gate-up targets is ejected it routes to every gate-up
/// target (panic), and when every target is gated down or ejected it fails open to the rotation slot —
/// a slow answer beats a `503`. A pool needs at least four targets for any ejection with the default
/// 30 % cap (one of three is 33 %).
///
/// ```swift
/// let pool = TargetPool((1...4).map { Target("10.0.0.\($0):8080", transport: http) })
/// let balancer = LatencyEjectingBalancer(pool, options: .init(ejectionFactor: 3, onStateChange: { change in
///     logger.notice("\(change.target) \(change.reason)")
/// }))
/// ```
public final class LatencyEjectingBalancer: Transport {
    /// The targets and their health gates.
    public let pool: TargetPool
    /// The effective options, after clamping.
    public let options: Options
    private let balancer: Result<StatefulBalancer<StateMachine>, ConfigurationError>

    /// Creates a balancer over `pool` with no samples and nothing ejected.
    ///
    /// Options that make no sense (see ``Options``) are reported when the chain holding the balancer is
    /// built, as a ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` naming each.
    public init(_ pool: TargetPool, options: Options = Options()) {
        self.pool = pool
        self.options = (try? options.validated()) ?? options
        // The machine checks (and clamps) the options itself.
        self.balancer = Result { () throws(ConfigurationError) in
            // Latency is sampled from answers alone, so no failure classifier is consulted.
            StatefulBalancer(
                pool: pool, machine: try StateMachine(targetCount: pool.count, options: options),
                isFailure: FailureClassifiers.transportFailuresOnly, onStateChange: options.onStateChange)
        }
    }

    /// Sends `request` to the next target and, if it answers, records its time to response head.
    ///
    /// - Throws: the ``ParapetCore/ConfigurationError`` of options that make no sense;
    ///   ``UpstreamError/unavailable(_:)`` with ``ShedReason/empty`` for an empty pool; otherwise whatever
    ///   the target's transport threw.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        try await balancer.get().roundTrip(request, context: context)
    }

    /// Throws what is wrong with the options, and the problems of the pool's transports.
    public func checkConfiguration() throws {
        try ChainBuildProblems.check(own: balancer.failure, transports: pool.targets.map(\.transport))
    }

    /// The state of the target at `address` as of its last reported ``StateChange``, with no clock read:
    /// ``TargetState/open`` from an ejection until it heals — also once its ejection has ended and it
    /// serves again while it re-earns its samples —, ``TargetState/closed`` otherwise and for an address
    /// outside the pool.
    public func state(of address: String) -> TargetState {
        (try? balancer.get())?.state(of: address) ?? .closed
    }
}
