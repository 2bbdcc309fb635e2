/// The round-robin cursor every rotating decision of this module shares: ``RoundRobinBalancer``,
/// ``EjectingBalancer/StateMachine``, ``CircuitBreakerBalancer/StateMachine`` and ``LatencyEjectingBalancer/StateMachine``.
///
/// A pick scans the targets once, starting at the cursor, for the first one that is admissible, and the
/// next pick resumes *after the target picked* — not one slot after the last start. So a target that is
/// skipped passes its turn to the next admissible one only once, and the survivors share its traffic
/// evenly: with target 1 of 3 down the picks alternate 0, 2, 0, 2.
///
/// When no target is admissible, ``pick(isAdmissible:)`` fails open to the cursor's own slot and moves past
/// it (so an all-down pool is still walked in order), while ``next(where:)`` picks nothing and leaves the
/// cursor where it was, for callers that shed instead.
///
/// ```swift
/// var rotation = RoundRobinRotation(count: 3)
/// rotation.pick { _ in true }        // 0
/// rotation.pick { $0 != 1 }          // 2: 1 is skipped
/// rotation.pick { $0 != 1 }          // 0: the pick resumed after 2
/// rotation.pick { _ in false }       // 1: nobody is admissible, the cursor's slot itself (fail open)
/// rotation.next { _ in false }       // nil, and the cursor stays at 2
/// ```
public struct RoundRobinRotation: Sendable, Hashable {
    /// The number of targets rotated over.
    public let count: Int
    /// Where the next pick starts scanning, in `0..<count` (0 for an empty rotation).
    public private(set) var cursor: Int = 0

    /// Creates a rotation over `count` targets whose first pick starts at index 0; a negative count
    /// counts as 0.
    public init(count: Int) {
        self.count = max(count, 0)
    }

    /// Picks the first target from the cursor onward for which `isAdmissible` holds, or — when none
    /// does — the cursor's own slot (fail open); the next pick starts after the one returned.
    ///
    /// `isAdmissible` is asked about each target at most once, in rotation order, and not after it first
    /// returns `true`, so it may claim something (a probe slot) when it answers yes.
    ///
    /// - Returns: the target's index; `nil` only when there are no targets.
    public mutating func pick(isAdmissible: (Int) throws -> Bool) rethrows -> Int? {
        guard count > 0 else { return nil }
        if let index = try next(where: isAdmissible) {
            return index
        }
        let slot = cursor
        resume(after: slot)
        return slot
    }

    /// Picks the first target from the cursor onward for which `isAdmissible` holds, and moves the cursor
    /// past it; when none does, returns `nil` and leaves the cursor alone.
    ///
    /// `isAdmissible` is asked about each target at most once, in rotation order, and not after it first
    /// returns `true`.
    public mutating func next(where isAdmissible: (Int) throws -> Bool) rethrows -> Int? {
        for offset in 0..<count {
            let index = cursor + offset < count ? cursor + offset : cursor + offset - count
            if try isAdmissible(index) {
                resume(after: index)
                return index
            }
        }
        return nil
    }

    /// Moves the cursor to the target after `index`.
    private mutating func resume(after index: Int) {
        cursor = index + 1 == count ? 0 : index + 1
    }
}
