/// The admission state of one target, as circuit breakers and ejecting balancers see it.
///
/// The raw value is the number a gauge reports.
public enum TargetState: Int, Sendable, Hashable, CaseIterable {
    /// Receiving traffic.
    case closed = 0
    /// Ejected or tripped: receiving no traffic.
    case open = 1
    /// Admitting a limited number of probe requests.
    case halfOpen = 2
}

/// Why a target changed state.
public enum StateChangeReason: String, Sendable, Hashable, CaseIterable {
    /// A circuit opened after its failure threshold.
    case trip
    /// A half-open circuit failed a probe and opened again.
    case reopen
    /// A half-open circuit closed after its success threshold.
    case heal
    /// An open circuit's cooldown ended; it admits probes.
    case probe
    /// A probe held its slot too long and was reclaimed.
    case expire
    /// A target was ejected (consecutive failures, or latency outlier).
    case eject
    /// An ejected target answered successfully again.
    case recover
    /// The active health check marked the target down.
    case probeDown = "probe_down"
    /// The active health check marked the target up.
    case probeRecover = "probe_recover"
}

/// What made an active health-check probe fail.
public enum ProbeCause: String, Sendable, Hashable, CaseIterable {
    case none, timeout, refused, reset, dns, tls, status, error
}

/// One state transition of one target, reported exactly once, after it took effect.
///
/// ```swift
/// let breaker = CircuitBreakerBalancer(pool, options: .init(onStateChange: { change in
///     logger.warning("\(change.target): \(change.from) → \(change.to) (\(change.reason))")
/// }))
/// ```
public struct StateChange: Sendable, Hashable {
    /// The target's address.
    public var target: String
    public var from: TargetState
    public var to: TargetState
    public var reason: StateChangeReason
    /// For health-check transitions, what made the probe fail.
    public var cause: ProbeCause

    public init(target: String, from: TargetState, to: TargetState, reason: StateChangeReason, cause: ProbeCause = .none) {
        self.target = target
        self.from = from
        self.to = to
        self.reason = reason
        self.cause = cause
    }
}

/// Decides whether a round trip's outcome counts as a target failure. The default counts transport
/// failures and timeouts, not cancellations and not `5xx` responses.
public typealias FailureClassifier = @Sendable (Result<UpstreamResponse, any Error>) -> Bool

/// The default ``FailureClassifier``.
public let transportFailuresOnly: FailureClassifier = { outcome in
    switch outcome {
    case .success: false
    case .failure(let error as UpstreamError):
        if case .unavailable = error { false } else { true }
    case .failure(is CancellationError): false
    case .failure: true
    }
}
