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
