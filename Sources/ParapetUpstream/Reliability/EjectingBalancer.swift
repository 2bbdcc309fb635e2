public import ParapetCore

/// Round-robin with passive health checking: a target that fails repeatedly is ejected from rotation for
/// a while (outlier ejection). The decisions are ``EjectingBalancer/StateMachine``'s.
///
/// A failure is whatever ``Options/isFailure`` says (by default transport failures, not `5xx` answers).
/// ``Options/Policy/maxFails`` consecutive failures eject a target for ``Options/Policy/ejectTimeout``, doubling with
/// each repeat ejection up to ``Options/Policy/maxEjectTimeout``; a concurrent burst of failures is one
/// ejection; one success clears both the failure count and the backoff. After its cooldown a target is
/// simply picked again — no probing. When every target is ejected or has its health gate down, it fails
/// open to the target whose turn it is, so a transient total outage cannot black-hole the pool. Use a
/// circuit breaker to shed instead.
///
/// A cancelled round trip (the client left, or ``HedgingBalancer`` cancelled a losing leg) is judged
/// ``RoundTripVerdict/neutral``, whatever the transport threw: it counts neither as a failure — so
/// hedging never ejects the healthy target whose slow leg it cancelled — nor as a success that would
/// clear an ejection.
///
/// ```swift
/// let balancer = EjectingBalancer(pool, options: .init(
///     maxFails: 3,
///     ejectTimeout: .seconds(30),
///     isFailure: FailureClassifiers.transportFailuresAndServerErrors,
///     onStateChange: { change in logger.warning("\(change.target): \(change.reason)") }
/// ))
/// ```
public final class EjectingBalancer: Transport {
    /// The targets balanced over.
    public let pool: TargetPool
    /// The options in force, after clamping (``Options/Policy/maxEjectTimeout`` at least the eject timeout).
    public let options: Options
    private let balancer: Result<StatefulBalancer<StateMachine>, ConfigurationError>

    /// Creates a balancer over `pool`.
    ///
    /// The chain holding the balancer reports, when it is built, a
    /// ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` when `maxFails` is below 1,
    /// `ejectTimeout` is not positive, or `maxEjectTimeout` is negative.
    public init(_ pool: TargetPool, options: Options = Options()) {
        self.pool = pool
        self.options = (try? options.validated()) ?? options
        self.balancer = Result { () throws(ConfigurationError) in
            let options = try options.validated()
            let machine = StateMachine(
                count: pool.count, maxFails: options.maxFails, ejectTimeout: options.ejectTimeout,
                maxEjectTimeout: options.maxEjectTimeout)
            return StatefulBalancer(
                pool: pool, machine: machine, isFailure: options.isFailure, onStateChange: options.onStateChange)
        }
    }

    /// Sends `request` to the next target in rotation that is not ejected, then records the outcome.
    ///
    /// - Throws: the ``ParapetCore/ConfigurationError`` of options that make no sense;
    ///   ``UpstreamError/unavailable(_:)`` for an empty pool; otherwise whatever the target's transport
    ///   throws.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        try await balancer.get().roundTrip(request, context: context)
    }

    /// Throws what is wrong with the options, and the problems of the pool's transports.
    public func checkConfiguration() throws {
        try ChainBuildProblems.check(own: balancer.failure, transports: pool.targets.map(\.transport))
    }

    /// The state of the target at `address` as of its last reported ``StateChange``, with no clock read:
    /// ``TargetState/open`` from an ejection until the success that recovers it — also once its cooldown
    /// has passed and it is picked again —, ``TargetState/closed`` otherwise and for an address outside
    /// the pool.
    public func state(of address: String) -> TargetState {
        (try? balancer.get())?.state(of: address) ?? .closed
    }
}
