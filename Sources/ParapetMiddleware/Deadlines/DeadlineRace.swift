import ParapetCore

/// Runs a handler against a deadline on the runtime's clock, for ``Timeout`` and ``RequestDeadline``.
enum DeadlineRace {
    /// The response `next` returns for `request`, or `nil` when `deadline` passes first — in which case
    /// `next` has been cancelled, and has finished, by the time this returns.
    ///
    /// `next` is a child task of the caller, so it runs on its executor (the connection's event loop, the
    /// simulator's loop) and the caller's cancellation reaches it as usual; the deadline is a callback on the
    /// runtime's clock.
    ///
    /// ```swift
    /// guard let response = try await DeadlineRace.response(of: next, to: request, context: context, by: deadline)
    /// else { return .error(.gatewayTimeout) }
    /// ```
    static func response(
        of next: any Handler, to request: Request, context: RequestContext, by deadline: MonotonicInstant
    ) async throws -> Response? {
        let outcome = await context.runtime.clock.result(by: deadline) { () -> Result<Response, any Error> in
            do {
                return .success(try await next.handle(request, context: context))
            } catch {
                return .failure(error)
            }
        }
        return try outcome?.get()
    }

    /// `context` with its ``ParapetCore/RequestContext/deadline`` brought forward to `deadline`, unless it
    /// already had an earlier one.
    static func context(_ context: RequestContext, by deadline: MonotonicInstant) -> RequestContext {
        var context = context
        context.deadline = min(context.deadline ?? deadline, deadline)
        return context
    }
}
