public import HTTPTypes

/// What one attempt of the proxy's retry loop did, reported to ``Upstream/Options/onRoundTrip``.
///
/// ```swift
/// let options = Upstream.Options(onRoundTrip: { info in
///     metrics.record(target: info.target ?? "none", status: info.status?.code ?? 0, seconds: info.duration)
/// })
/// ```
public struct RoundTripInfo: Sendable {
    /// The target that was tried; `nil` when the balancer shed the request before picking one, or when
    /// the transport's error does not say.
    public var target: String?
    /// The time from sending the request to receiving the response head (or the error), on the runtime's
    /// monotonic clock; the body is still streaming when this is reported.
    public var duration: Duration
    /// The upstream's status; `nil` when the attempt failed.
    public var status: HTTPResponse.Status?
    /// Why the attempt failed; `nil` when a response arrived, whatever its status.
    public var error: (any Error)?
    /// The attempt, from 0; the first retry is 1.
    public var attempt: Int

    /// Creates a report.
    public init(target: String?, duration: Duration, status: HTTPResponse.Status?, error: (any Error)?, attempt: Int) {
        self.target = target
        self.duration = duration
        self.status = status
        self.error = error
        self.attempt = attempt
    }
}
