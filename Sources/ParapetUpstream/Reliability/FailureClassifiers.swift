import HTTPTypes
import ParapetCore

/// Decides whether a round trip's outcome counts as a failure of the target that served it, for
/// ``EjectingBalancer`` and ``CircuitBreakerBalancer``. The outcome is judged at the response head; a
/// cancelled round trip never reaches the classifier (see ``RoundTripVerdict``).
///
/// Ready-made classifiers live in ``FailureClassifiers``.
public typealias FailureClassifier = @Sendable (Result<UpstreamResponse, any Error>) -> Bool

/// The ready-made ``FailureClassifier``s.
///
/// ```swift
/// // Count 5xx answers too, except 503s the backend sends while it drains:
/// let isFailure: FailureClassifier = { outcome in
///     if case .success(let answer) = outcome, answer.response.status == .serviceUnavailable { return false }
///     return FailureClassifiers.transportFailuresAndServerErrors(outcome)
/// }
/// ```
public enum FailureClassifiers {
    /// The default: a transport failure or timeout is a failure; any response — `5xx` included — is
    /// not, and neither is a cancellation or a shed (``UpstreamError/unavailable(_:)``, which contacted
    /// no target).
    public static let transportFailuresOnly: FailureClassifier = { outcome in
        switch outcome {
        case .success: false
        case .failure(UpstreamError.unavailable): false
        case .failure(is CancellationError): false
        case .failure: true
        }
    }

    /// ``transportFailuresOnly``, and also any response with a `5xx` status.
    public static let transportFailuresAndServerErrors: FailureClassifier = { outcome in
        if case .success(let answer) = outcome {
            return answer.response.status.kind == .serverError
        }
        return transportFailuresOnly(outcome)
    }
}
