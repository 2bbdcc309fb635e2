/// The decision of a round-robin balancer: a strict rotation over a fixed number of targets that skips
/// those not admissible.
///
/// Each pick moves the cursor one slot, starting at index 0. The pick is the first admissible target
/// from the cursor's slot onward; when no target is admissible it is the cursor's slot itself (fail open).
///
/// ```swift
/// var rotation = RoundRobinRotation(count: 3)
/// rotation.pick { _ in true }        // 0
/// rotation.pick { $0 != 1 }          // 2: slot 1 is skipped
/// rotation.pick { _ in false }       // 2: nobody is up, the slot itself (fail open)
/// ```
public struct RoundRobinRotation: Sendable, Hashable {
    /// The number of targets rotated over.
    public let count: Int
    /// The slot the next pick starts from, in `0..<count`.
    public private(set) var cursor: Int = 0

    /// Creates a rotation over `count` targets whose first pick starts at index 0.
    public init(count: Int) {
        self.count = max(count, 0)
    }

    /// Picks the next target: the first from the cursor's slot onward for which `isAdmissible` holds,
    /// or the slot itself when none does; `nil` when there are no targets.
    public mutating func pick(isAdmissible: (Int) -> Bool) -> Int? {
        guard count > 0 else { return nil }
        let slot = cursor
        cursor = slot + 1 == count ? 0 : slot + 1
        for offset in 0..<count {
            let index = slot + offset < count ? slot + offset : slot + offset - count
            if isAdmissible(index) {
                return index
            }
        }
        return slot
    }
}
