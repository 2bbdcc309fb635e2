/// How a reliability balancer counts one finished round trip against the target that served it.
///
/// A cancelled round trip — the client went away, or hedging cancelled a losing leg — is
/// ``neutral``: it says nothing about the target's health, so it neither counts as a failure nor as
/// a success. Otherwise the balancer's ``FailureClassifier`` decides.
///
/// ```swift
/// let verdict = RoundTripVerdict(
///     outcome,
///     callerCancelled: Task.isCancelled,
///     isFailure: FailureClassifiers.transportFailuresOnly
/// )
/// ```
public enum RoundTripVerdict: Sendable, Hashable {
    /// The target answered acceptably.
    case success
    /// The target failed, as the classifier judged it.
    case failure
    /// The caller cancelled the exchange: no evidence either way.
    case neutral

    /// Judges `outcome`.
    ///
    /// - Parameters:
    ///   - outcome: what the target's transport returned or threw.
    ///   - callerCancelled: whether the calling task was cancelled when the transport returned; an error
    ///     thrown then (whatever its type) is taken to be the transport honouring the cancellation.
    ///   - isFailure: decides between ``success`` and ``failure`` for an exchange that was not cancelled.
    public init(
        _ outcome: Result<UpstreamResponse, any Error>,
        callerCancelled: Bool,
        isFailure: FailureClassifier
    ) {
        if case .failure(let error) = outcome, callerCancelled || error is CancellationError {
            self = .neutral
        } else {
            self = isFailure(outcome) ? .failure : .success
        }
    }
}
