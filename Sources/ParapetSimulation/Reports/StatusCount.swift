/// How many requests ended with one status (`"200"`, `"503"`…) or outcome (`"refused"`, `"reset"`,
/// `"timeout"`, `"cancelled"`, `"unfinished"`).
///
/// ```swift
/// let shed = report.stack("breaker").statuses.first { $0.status == "503" }?.count ?? 0
/// ```
public struct StatusCount: Sendable, Hashable, Codable {
    /// The status code or outcome.
    public var status: String
    /// How many.
    public var count: Int

    /// Creates a count.
    public init(status: String, count: Int) {
        self.status = status
        self.count = count
    }

    /// The non-zero counts of `counts` (indexed by status code) in code order.
    static func list(_ counts: [Int]) -> [StatusCount] {
        counts.indices.filter { counts[$0] > 0 }.map { StatusCount(status: String($0), count: counts[$0]) }
    }
}
