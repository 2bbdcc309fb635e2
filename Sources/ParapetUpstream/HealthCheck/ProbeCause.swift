/// What made an active health-check probe fail; the raw value is the label a metric reports.
///
/// A transport names the cause of its own errors by conforming them to ``ProbeCauseConvertible``.
public enum ProbeCause: String, Sendable, Hashable, CaseIterable {
    /// No probe failed: the change was not a health-check `probe_down`.
    case none
    /// No answer (head and drained body) within ``ActiveHealthCheck/Options/Policy/timeout``.
    case timeout
    /// The connection was refused.
    case refused
    /// The connection was reset, or closed before an answer.
    case reset
    /// The target's name did not resolve.
    case dns
    /// The TLS handshake failed.
    case tls
    /// An answer arrived, but ``ActiveHealthCheck/Options/isHealthy`` rejected it (by default, a status of
    /// 400 or more).
    case status
    /// Any other error.
    case error
}
