/// The admission state of one target, as circuit breakers, ejecting balancers and health checks see it.
///
/// The raw value is the number a gauge reports.
public enum TargetState: Int, Sendable, Hashable, CaseIterable {
    /// Receiving traffic.
    case closed = 0
    /// Ejected, tripped or gated down: receiving no traffic (but see each balancer's all-down policy).
    case open = 1
    /// Admitting a limited number of probe requests.
    case halfOpen = 2
}
