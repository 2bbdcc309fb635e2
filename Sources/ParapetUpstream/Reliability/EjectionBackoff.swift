import ParapetCore

/// One target's ejection bookkeeping, shared by ``EjectingBalancer/StateMachine`` and ``LatencyEjectingBalancer/StateMachine``:
/// how many times in a row it was ejected, until when, and its recovery.
///
/// An ejection lasts the ``ExponentialCooldown`` of its episode: the `n`-th ejection since the target last
/// recovered lasts `base · 2^(n-1)`, capped. An ejection requested while the target is still ejected is
/// ignored (a concurrent burst is one ejection). Once the cooldown has passed the target is admitted
/// again but stays *open* — a later ejection is reported `open → open` with a longer cooldown — until it
/// recovers, which clears the backoff and reports `open → closed`.
///
/// ```swift
/// var backoff = EjectionBackoff()
/// let cooldown = ExponentialCooldown(base: .seconds(1), cap: .seconds(5))
/// backoff.eject(target: 0, at: now, cooldown: cooldown)          // closed → open, for 1 s
/// backoff.eject(target: 0, at: now, cooldown: cooldown)          // nil: already ejected
/// backoff.recover(target: 0)                                     // open → closed
/// ```
struct EjectionBackoff: Sendable, Hashable {
    /// Consecutive ejections since the target last recovered: the backoff exponent.
    private(set) var ejections = 0
    /// The end of the current or last ejection; `nil` once recovered (or never ejected).
    private(set) var ejectedUntil: MonotonicInstant?

    /// ``TargetState/open`` from an ejection until the recovery, even once the cooldown has passed;
    /// ``TargetState/closed`` otherwise. This is the state of the last transition reported.
    var state: TargetState {
        ejectedUntil == nil ? .closed : .open
    }

    /// Whether the target is still inside its cooldown at `now`.
    func isEjected(at now: MonotonicInstant) -> Bool {
        ejectedUntil.map { $0 > now } ?? false
    }

    /// Ejects the target at `now` for its next cooldown; `nil` when it is ejected already.
    mutating func eject(target: Int, at now: MonotonicInstant, cooldown: ExponentialCooldown) -> TargetTransition? {
        guard !isEjected(at: now) else { return nil }
        let from = state
        ejections += 1
        ejectedUntil = now.advanced(by: cooldown.duration(forEpisode: ejections))
        return TargetTransition(target: target, from: from, to: .open, reason: .eject)
    }

    /// Clears the backoff; returns the `recover` transition when the target had been ejected.
    mutating func recover(target: Int) -> TargetTransition? {
        let wasEjected = ejectedUntil != nil
        ejections = 0
        ejectedUntil = nil
        return wasEjected ? TargetTransition(target: target, from: .open, to: .closed, reason: .recover) : nil
    }
}
