public import ParapetCore
import Synchronization

/// Round-robin with passive health checking: a target that fails repeatedly is ejected from rotation for
/// a while (outlier ejection). The decisions are ``EjectionTracker``'s.
///
/// A failure is whatever ``Options/isFailure`` says (by default transport failures, not cancellations and
/// not `5xx` answers). ``Options/maxFails`` consecutive failures eject a target for
/// ``Options/ejectTimeout``, doubling with each repeat ejection up to ``Options/maxEjectTimeout``; a
/// concurrent burst of failures is one ejection; one success clears both the failure count and the
/// backoff. After its cooldown a target is simply picked again — no probing. When every target is ejected
/// or has its health gate down, it fails open to the target whose turn it is, so a transient total outage
/// cannot black-hole the pool. Use a circuit breaker to shed instead.
///
/// ```swift
/// let balancer = try EjectingBalancer(pool, options: .init(
///     maxFails: 3,
///     ejectTimeout: .seconds(30),
///     isFailure: { outcome in
///         if case .success(let answer) = outcome { return answer.response.status.code >= 500 }
///         return transportFailuresOnly(outcome)
///     },
///     onStateChange: { change in logger.warning("\(change.target): \(change.reason)") }
/// ))
/// ```
public final class EjectingBalancer: Transport {
    /// When targets are ejected, for how long, and who hears about it.
    public struct Options: Sendable {
        /// Consecutive failures that eject a target; at least 1. Default 3.
        public var maxFails: Int
        /// The first ejection's cooldown; positive. Default 30 s.
        public var ejectTimeout: Duration
        /// The longest cooldown; raised to ``ejectTimeout`` when shorter. Default 5 minutes.
        public var maxEjectTimeout: Duration
        /// Whether a round trip's outcome counts as a failure. Default ``transportFailuresOnly``.
        public var isFailure: FailureClassifier
        /// Called after a target is ejected (``StateChangeReason/eject``) or returned to rotation by its
        /// first success after an ejection (``StateChangeReason/recover``).
        public var onStateChange: (@Sendable (StateChange) -> Void)?

        /// Creates options with the defaults of the Go original.
        public init(
            maxFails: Int = 3,
            ejectTimeout: Duration = .seconds(30),
            maxEjectTimeout: Duration = .seconds(300),
            isFailure: @escaping FailureClassifier = transportFailuresOnly,
            onStateChange: (@Sendable (StateChange) -> Void)? = nil
        ) {
            self.maxFails = maxFails
            self.ejectTimeout = ejectTimeout
            self.maxEjectTimeout = maxEjectTimeout
            self.isFailure = isFailure
            self.onStateChange = onStateChange
        }
    }

    /// The targets balanced over.
    public let pool: TargetPool
    /// The options in force (``Options/maxEjectTimeout`` already raised to at least the eject timeout).
    public let options: Options
    private let tracker: Mutex<EjectionTracker>

    /// Creates a balancer over `pool`.
    ///
    /// - Throws: ``ParapetCore/ConfigurationError/invalidValue(field:reason:)`` when `maxFails` is below 1,
    ///   `ejectTimeout` is not positive, or `maxEjectTimeout` is negative.
    public init(_ pool: TargetPool, options: Options = Options()) throws {
        guard options.maxFails >= 1 else {
            throw ConfigurationError.invalidValue(field: "maxFails", reason: "must be at least 1, got \(options.maxFails)")
        }
        guard options.ejectTimeout > .zero else {
            throw ConfigurationError.invalidValue(field: "ejectTimeout", reason: "must be positive, got \(options.ejectTimeout)")
        }
        guard options.maxEjectTimeout >= .zero else {
            throw ConfigurationError.invalidValue(
                field: "maxEjectTimeout",
                reason: "must not be negative, got \(options.maxEjectTimeout)"
            )
        }
        var options = options
        options.maxEjectTimeout = max(options.maxEjectTimeout, options.ejectTimeout)
        self.pool = pool
        self.options = options
        self.tracker = Mutex(EjectionTracker(
            count: pool.count,
            maxFails: options.maxFails,
            ejectTimeout: options.ejectTimeout,
            maxEjectTimeout: options.maxEjectTimeout
        ))
    }

    /// Sends `request` to the next target in rotation that is not ejected, then records the outcome.
    ///
    /// - Throws: ``UpstreamError/unavailable(_:)`` for an empty pool; otherwise whatever the target's
    ///   transport throws.
    public func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        let pool = self.pool
        let clock = context.runtime.clock
        let pickedAt = clock.now
        guard let index = tracker.withLock({ $0.pick(at: pickedAt, isAdmissible: pool.isUp) }) else {
            throw UpstreamError.unavailable(.empty)
        }
        let target = pool.targets[index]
        var request = request
        request.target = target.address
        let outcome: Result<UpstreamResponse, any Error>
        do {
            outcome = .success(try await target.transport.roundTrip(request, context: context))
        } catch {
            outcome = .failure(error)
        }
        let isFailure = options.isFailure(outcome)
        let answeredAt = clock.now
        let event = tracker.withLock { $0.record(index, isFailure: isFailure, at: answeredAt) }
        if let event, let onStateChange = options.onStateChange {
            onStateChange(Self.stateChange(event, target: target.address))
        }
        return try outcome.get()
    }

    private static func stateChange(_ event: EjectionTracker.Event, target: String) -> StateChange {
        switch event {
        case .eject(let from, _):
            StateChange(target: target, from: from, to: .open, reason: .eject)
        case .recover:
            StateChange(target: target, from: .open, to: .closed, reason: .recover)
        }
    }
}
