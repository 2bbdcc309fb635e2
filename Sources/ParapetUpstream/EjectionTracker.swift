public import ParapetCore

/// The decision of an ejecting balancer: round-robin that takes a target out of rotation after
/// consecutive failures, for a cooldown that doubles with every repeat ejection.
///
/// After `maxFails` consecutive failures a target is ejected for `ejectTimeout · 2^(n-1)`, capped at
/// `maxEjectTimeout`, where `n` counts its ejections since its last success. Failures recorded while the
/// target is already ejected (a concurrent burst) never extend or re-count the ejection. Any success
/// clears the failure count and the backoff. There is no probing: once its cooldown has passed a target
/// is simply picked again. When every target is ejected or not admissible, the pick fails open to the
/// rotation's slot.
///
/// ```swift
/// var tracker = EjectionTracker(count: 2, maxFails: 1, ejectTimeout: .seconds(30), maxEjectTimeout: .seconds(300))
/// let first = tracker.pick(at: now) { _ in true }                     // 0
/// tracker.record(0, isFailure: true, at: now)                          // .eject(from: .closed, cooldown: 30 s)
/// tracker.pick(at: now) { _ in true }                                  // 1
/// tracker.pick(at: now) { _ in true }                                  // 1: 0 is ejected
/// ```
public struct EjectionTracker: Sendable, Hashable {
    /// A state transition that a recorded outcome caused.
    public enum Event: Sendable, Hashable {
        /// The target was ejected for `cooldown`; `from` is ``TargetState/open`` when an earlier ejection
        /// had expired without a success since.
        case eject(from: TargetState, cooldown: Duration)
        /// The first success after an ejection returned the target to rotation.
        case recover
    }

    private struct Peer: Sendable, Hashable {
        var consecutiveFailures = 0
        var ejections = 0
        var ejectedUntil: MonotonicInstant?
    }

    /// Consecutive failures that eject a target, at least 1.
    public let maxFails: Int
    /// The first ejection's cooldown, at least one nanosecond.
    public let ejectTimeout: Duration
    /// The longest cooldown, at least ``ejectTimeout``; at most `Int64.max` seconds.
    public let maxEjectTimeout: Duration
    private var rotation: RoundRobinRotation
    private var peers: [Peer]

    /// Creates a tracker over `count` targets, none ejected. Values out of range are clamped: `maxFails`
    /// to at least 1, `ejectTimeout` to at least a nanosecond, `maxEjectTimeout` to at least `ejectTimeout`,
    /// and both durations to at most `Int64.max` seconds.
    public init(count: Int, maxFails: Int, ejectTimeout: Duration, maxEjectTimeout: Duration) {
        self.maxFails = max(maxFails, 1)
        self.ejectTimeout = min(max(ejectTimeout, .nanoseconds(1)), .longestDelay)
        self.maxEjectTimeout = min(max(maxEjectTimeout, self.ejectTimeout), .longestDelay)
        self.rotation = RoundRobinRotation(count: count)
        self.peers = Array(repeating: Peer(), count: max(count, 0))
    }

    /// The number of targets.
    public var count: Int { peers.count }

    /// Whether target `index` is ejected at `now`.
    public func isEjected(_ index: Int, at now: MonotonicInstant) -> Bool {
        guard peers.indices.contains(index), let until = peers[index].ejectedUntil else { return false }
        return until > now
    }

    /// Picks the next target in rotation that is not ejected at `now` and for which `isAdmissible` holds,
    /// or the rotation's slot when there is none; `nil` when there are no targets.
    public mutating func pick(at now: MonotonicInstant, isAdmissible: (Int) -> Bool) -> Int? {
        let peers = self.peers
        return rotation.pick { index in
            (peers[index].ejectedUntil.map { $0 <= now } ?? true) && isAdmissible(index)
        }
    }

    /// Records the outcome of a round trip to target `index` at `now`, returning the transition it caused.
    @discardableResult
    public mutating func record(_ index: Int, isFailure: Bool, at now: MonotonicInstant) -> Event? {
        guard peers.indices.contains(index) else { return nil }
        guard isFailure else {
            let wasEjected = peers[index].ejectedUntil != nil
            peers[index] = Peer()
            return wasEjected ? .recover : nil
        }
        peers[index].consecutiveFailures += 1
        guard peers[index].consecutiveFailures >= maxFails else { return nil }
        peers[index].consecutiveFailures = 0
        let previous = peers[index].ejectedUntil
        if let previous, previous > now {
            return nil
        }
        peers[index].ejections += 1
        let cooldown = cooldown(forEjection: peers[index].ejections)
        peers[index].ejectedUntil = now.advanced(by: cooldown)
        return .eject(from: previous == nil ? .closed : .open, cooldown: cooldown)
    }

    /// The cooldown of a target's `n`th consecutive ejection: ``ejectTimeout`` doubled `n - 1` times,
    /// capped at ``maxEjectTimeout``.
    public func cooldown(forEjection n: Int) -> Duration {
        var cooldown = ejectTimeout
        var doublings = n - 1
        while doublings > 0 && cooldown < maxEjectTimeout {
            cooldown *= 2
            doublings -= 1
        }
        return min(cooldown, maxEjectTimeout)
    }
}
