import HTTPTypes
import ParapetCore
import ParapetUpstream

/// Sends one workload request through a built stack and records how it ended. Holds everything per-request
/// work needs, prebuilt, so that a request allocates little beyond what the stack itself does (a class, so
/// that each request's task captures one reference). Its methods are `nonisolated(nonsending)`: they stay on
/// the calling task's executor, sparing the executor switch — a lookup of the task's executor preference in the
/// concurrency runtime — on every entry and after every `await`.
final class SimulatedClient: Sendable {
    let stack: BuiltStack
    let context: RequestContext
    let heads: [HTTPRequest]
    let deadline: Duration?
    let recorder: RunRecorder
    let clock: any MonotonicClock

    init(
        stack: BuiltStack, context: RequestContext, heads: [HTTPRequest], deadline: Duration?, recorder: RunRecorder,
        clock: any MonotonicClock
    ) {
        self.stack = stack
        self.context = context
        self.heads = heads
        self.deadline = deadline
        self.recorder = recorder
        self.clock = clock
    }

    /// Sends a request of mix kind `kind` that arrived at `arrival` and records its outcome.
    nonisolated(nonsending) func send(_ kind: Int, arrival: Int64) async {
        let result: Result
        if let deadline {
            result = await withDeadline(deadline, kind)
        } else {
            result = await attempt(kind)
        }
        // Without the `Upstream` middleware (whose `onRoundTrip` hook reports each attempt) a request is one attempt.
        let attempt: Int?? = stack.handler != nil ? .none : .some(result.outcome == .shed ? result.shedReason : nil)
        recorder.request(
            arrival: arrival, finish: clock.now.nanoseconds, status: result.status, outcome: result.outcome, target: result.target,
            attempt: attempt)
    }

    struct Result: Sendable {
        var status: Int
        var outcome: RequestTrace.Outcome
        var target: String?
        var shedReason = 0

        static let unfinished = Result(status: ClientTally.unfinished, outcome: .unfinished, target: nil)
    }

    @inline(__always)  // one async call fewer per request: a frame from the task's allocator, an executor check
    private nonisolated(nonsending) func attempt(_ kind: Int) async -> Result {
        if let handler = stack.handler {
            do {
                let response = try await handler.handle(Request(head: heads[kind]), context: context)
                let code = response.status.code
                return Result(status: code, outcome: .status(code), target: nil)
            } catch {
                return .unfinished
            }
        }
        do {
            let answer = try await stack.transport.roundTrip(UpstreamRequest(head: heads[kind]), context: context)
            let code = answer.response.status.code
            return Result(status: code, outcome: .status(code), target: answer.target)
        } catch let error as UpstreamError {
            switch error {
            case .unavailable(let reason):
                return Result(status: 503, outcome: .shed, target: nil, shedReason: ShedReasonIndex.index(of: reason.rawValue))
            case .timedOut(let target):
                return Result(status: 504, outcome: .timeout, target: target)
            case .failed(let target, let underlying):
                let outcome: RequestTrace.Outcome = (underlying as? SimulatedNetworkFailure) == .connectionReset ? .reset : .refused
                return Result(status: 502, outcome: Task.isCancelled ? .unfinished : outcome, target: target)
            }
        } catch {
            return Task.isCancelled || error is CancellationError ? .unfinished : Result(status: 502, outcome: .refused, target: nil)
        }
    }

    /// Races the request against a total deadline: past it the request is cancelled and answered `504`.
    private nonisolated(nonsending) func withDeadline(_ deadline: Duration, _ kind: Int) async -> Result {
        await clock.result(by: clock.now.advanced(by: deadline)) { await self.attempt(kind) }
            ?? Result(status: 504, outcome: .timeout, target: nil)
    }
}
