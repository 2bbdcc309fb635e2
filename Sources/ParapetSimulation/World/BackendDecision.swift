/// What a simulated backend does with one request, decided at arrival; times are virtual nanoseconds.
enum BackendDecision: Sendable, Hashable {
    /// Answer with `status` at `at`.
    case answer(status: Int, at: Int64)
    /// Refuse the connection at `at`.
    case refuse(at: Int64)
    /// Reset the connection at `at`.
    case reset(at: Int64)
    /// Never answer.
    case hang
}

/// How one attempt at a simulated backend ended.
enum AttemptOutcome: Sendable, Hashable {
    case answered(status: Int)
    case refused
    case reset
    case timedOut
    case cancelled

    var isSuccess: Bool {
        if case .answered(let status) = self { return (200..<400).contains(status) }
        return false
    }
}
