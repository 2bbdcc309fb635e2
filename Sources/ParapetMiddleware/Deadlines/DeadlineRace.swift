import ParapetCore

/// Runs a handler against a deadline on the runtime's clock, for ``Timeout`` and ``RequestDeadline``.
enum DeadlineRace {
    /// The response `next` returns for `request`, or `nil` when `deadline` passes first — in which case
    /// `next` has been cancelled, and has finished, by the time this returns.
    ///
    /// Both sides are child tasks of the caller, so they run on its executor (the connection's event loop,
    /// the simulator's loop) and the caller's cancellation reaches `next` as usual.
    ///
    /// ```swift
    /// guard let response = try await DeadlineRace.response(of: next, to: request, context: context, by: deadline)
    /// else { return .error(.gatewayTimeout) }
    /// ```
    static func response(
        of next: any Handler, to request: Request, context: RequestContext, by deadline: MonotonicInstant
    ) async throws -> Response? {
        let clock = context.runtime.clock
        return try await withThrowingTaskGroup(of: Response?.self) { group in
            group.addTask { try await next.handle(request, context: context) }
            group.addTask {
                try await clock.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// `context` with its ``ParapetCore/RequestContext/deadline`` brought forward to `deadline`, unless it
    /// already had an earlier one.
    static func context(_ context: RequestContext, by deadline: MonotonicInstant) -> RequestContext {
        var context = context
        context.deadline = min(context.deadline ?? deadline, deadline)
        return context
    }
}
