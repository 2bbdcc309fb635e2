/// How an upstream exchange failed.
public enum UpstreamError: Error, Sendable, CustomStringConvertible {
    /// No target was contacted: the balancer shed the request. The proxy answers `503` and never retries it.
    case unavailable(ShedReason)
    /// The exchange with `target` failed before a complete response head (refused, reset, TLS, protocol).
    case failed(target: String?, underlying: any Error)
    /// No response head arrived from `target` within the response-header timeout.
    case timedOut(target: String?)

    /// The target that was tried, if any.
    public var target: String? {
        switch self {
        case .unavailable: nil
        case .failed(let target, _), .timedOut(let target): target
        }
    }

    /// A one-line account for logs: the shed reason, or the target and what went wrong with it.
    ///
    /// ```swift
    /// UpstreamError.unavailable(.allOpen).description        // "no upstream available (all_open)"
    /// UpstreamError.timedOut(target: "a:80").description     // "upstream a:80 sent no response head in time"
    /// ```
    public var description: String {
        switch self {
        case .unavailable(let reason): "no upstream available (\(reason.rawValue))"
        case .failed(let target, let underlying): "upstream \(target ?? "?") failed: \(underlying)"
        case .timedOut(let target): "upstream \(target ?? "?") sent no response head in time"
        }
    }
}
