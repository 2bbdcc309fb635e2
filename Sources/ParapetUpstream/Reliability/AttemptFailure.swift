import HTTPTypes

/// How one failed attempt of the proxy's retry loop ended, as far as the loop cares.
///
/// ```swift
/// AttemptFailure(UpstreamError.unavailable(.allOpen), isTaskCancelled: false)   // .shed
/// AttemptFailure(CancellationError(), isTaskCancelled: true)                   // .cancelled
/// ```
enum AttemptFailure: Sendable, Hashable {
    /// A balancer shed the request without contacting any target (``UpstreamError/unavailable(_:)``).
    case shed
    /// The exchange failed before a complete response head (``UpstreamError/failed(target:underlying:)``,
    /// or any error that is not an ``UpstreamError``).
    case failed
    /// No response head arrived in time (``UpstreamError/timedOut(target:)``).
    case timedOut
    /// The client went away: the error is a `CancellationError`, or the request's task was cancelled
    /// (whatever the transport made of that).
    case cancelled
    /// The transport would not send the request where it was asked to (``UpstreamTargetRefused``, alone or
    /// as the cause of a ``UpstreamError/failed(target:underlying:)``); answered with its status.
    case refused(HTTPResponse.Status)

    /// Classifies `error`, thrown by a transport while the request's task had `isTaskCancelled`.
    init(_ error: any Error, isTaskCancelled: Bool) {
        if isTaskCancelled || error is CancellationError {
            self = .cancelled
            return
        }
        switch error {
        case UpstreamError.unavailable: self = .shed
        case UpstreamError.timedOut: self = .timedOut
        case let refused as UpstreamTargetRefused: self = .refused(refused.status)
        case UpstreamError.failed(_, let refused as UpstreamTargetRefused): self = .refused(refused.status)
        default: self = .failed
        }
    }

    /// The status the proxy answers with when it gives up: `503`, `502` or `504` (or a refusal's own);
    /// `nil` for a client that went away, which is answered with nothing.
    var status: HTTPResponse.Status? {
        switch self {
        case .shed: .serviceUnavailable
        case .failed: .badGateway
        case .timedOut: .gatewayTimeout
        case .cancelled: nil
        case .refused(let status): status
        }
    }
}
