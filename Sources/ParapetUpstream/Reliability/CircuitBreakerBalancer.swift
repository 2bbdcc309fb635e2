public import ParapetCore

/// A round-robin balancer with a circuit breaker per target: it fails fast and sheds.
///
/// An open target is skipped without a round trip, so no request pays a dead backend's connect and
/// timeout; when every target is open, probe-saturated or gated down by a health check the balancer
/// throws ``UpstreamError/unavailable(_:)`` with ``ShedReason/allOpen`` (the proxy answers `503`)
/// instead of failing open — it does not hammer a dead origin. An empty pool sheds with
/// ``ShedReason/empty``. Failure is judged at the response head by ``Options/isFailure``; a body that
/// fails mid-stream is not seen. ``Target/weight`` is ignored. The decisions are those of
/// ``CircuitBreakerBalancer/StateMachine``.
///
/// A cancelled round trip (the client left, or ``HedgingBalancer`` cancelled a losing leg) counts
/// neither as a failure nor — unlike the Go original — as a probe success: it frees its probe slot and
/// changes nothing else. Counting it as a success would let hedging heal a still-broken target, since
/// the slow leg to a broken target is exactly the one that loses and is cancelled.
///
/// ```swift
/// let pool = TargetPool([Target("10.0.0.1:8080", transport: http), Target("10.0.0.2:8080", transport: http)])
/// let breaker = CircuitBreakerBalancer(pool, options: .init(failureThreshold: 5, onStateChange: { change in
///     logger.warning("\(change.target): \(change.from) → \(change.to) (\(change.reason)) #\(change.sequence)")
/// }))
/// let answer = try await breaker.roundTrip(request, context: context)
/// ```
public final class CircuitBreakerBalancer: Transport {
    /// The targets and their health gates.
    public let pool: TargetPool
    /// The effective options, after clamping.
    public let options: Options
    private let balancer: Result<StatefulBalancer<StateMachine>, ConfigurationError>

    /// Creates a balancer over `pool` with every circuit closed.
    ///
    /// Options that make no sense (see ``Options``) are reported when the chain holding the balancer is
    /// built, as a ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` naming each.
    public init(_ pool: TargetPool, options: Options = Options()) {
        self.pool = pool
        self.options = (try? options.validated()) ?? options
        // The machine checks (and clamps) the options itself.
        self.balancer = Result { () throws(ConfigurationError) in
            StatefulBalancer(
                pool: pool, machine: try StateMachine(targetCount: pool.count, options: options),
                isFailure: options.isFailure, onStateChange: options.onStateChange)
        }
    }

    /// Sends `request` to the next target whose circuit admits it, and counts the outcome.
    ///
    /// - Throws: the ``ParapetCore/ConfigurationError`` of options that make no sense;
    ///   ``UpstreamError/unavailable(_:)`` when no target may be tried; otherwise whatever the target's
    ///   transport threw.
    @inline(__always)  // one async call fewer per request: a frame from the task's allocator, an executor check
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        try await balancer.get().roundTrip(request, context: context)
    }

    /// Throws what is wrong with the options, and the problems of the pool's transports.
    public func checkConfiguration() throws {
        try ChainBuildProblems.check(own: balancer.failure, transports: pool.targets.map(\.transport))
    }

    /// The state of the circuit of the target at `address`, for gauges and tests: the state of its last
    /// reported ``StateChange``, with no clock read. An open circuit whose cooldown has ended still reads
    /// ``TargetState/open`` until the next pick moves it half-open. An address outside the pool reads
    /// ``TargetState/closed``.
    public func state(of address: String) -> TargetState {
        (try? balancer.get())?.state(of: address) ?? .closed
    }
}
