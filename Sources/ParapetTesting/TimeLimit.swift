/// Runs `body`, but throws ``TimeLimitExceeded`` once `limit` of real time has passed without it
/// finishing, cancelling it: a test against real sockets or processes fails instead of hanging.
///
/// Use it for real-time tests only; a test in virtual time has ``ChainTest/run(_:timeLimit:_:)``'s limit.
public func withTimeLimit<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)  // determinism: ok — bounds real-time tests; never runs in a simulation
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimeLimitExceeded(limit: limit) }
        return value
    }
}

/// What ``withTimeLimit(_:_:)`` throws when its body took too long.
public struct TimeLimitExceeded: Error, CustomStringConvertible {
    /// The limit that passed.
    public let limit: Duration

    /// An error for `limit` having passed.
    public init(limit: Duration) {
        self.limit = limit
    }

    public var description: String { "did not finish within \(limit)" }
}
