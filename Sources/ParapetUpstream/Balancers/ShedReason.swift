/// Why a balancer answered without contacting any target.
public enum ShedReason: String, Sendable, Hashable, CaseIterable {
    /// The pool has no targets.
    case empty
    /// Every admissible target is at its concurrency cap.
    case saturated
    /// Every target is down and the fail-open fallback is at capacity too.
    case allDark = "all_dark"
    /// Every target's circuit is open (or its half-open probe budget is spent).
    case allOpen = "all_open"
}
