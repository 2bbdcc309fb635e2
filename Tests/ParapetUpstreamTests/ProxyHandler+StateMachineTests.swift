import HTTPTypes
import ParapetCore
import Testing

@testable import ParapetUpstream

@Suite("Retry state machine")
struct ProxyHandlerStateMachineTests {
    @Test("eligible failures are retried `retries` times, waiting 50, 100, 200 ms, then answered")
    func backoffSchedule() {
        var state = ProxyHandler.StateMachine(retries: 3, backoff: .milliseconds(50), isRetryable: true)
        var steps: [ProxyHandler.StateMachine.Step] = []
        var attempts: [Int] = []
        for _ in 0..<4 {
            steps.append(state.next(after: .failed))
            attempts.append(state.attempt)
        }
        #expect(
            steps == [
                .retry(after: .milliseconds(50)), .retry(after: .milliseconds(100)), .retry(after: .milliseconds(200)),
                .answer(.badGateway),
            ])
        #expect(attempts == [1, 2, 3, 3])
    }

    @Test("a timeout is retried like a failure and answered 504")
    func timeouts() {
        var state = ProxyHandler.StateMachine(retries: 1, backoff: .milliseconds(50), isRetryable: true)
        #expect(state.next(after: .timedOut) == .retry(after: .milliseconds(50)))
        #expect(state.next(after: .timedOut) == .answer(.gatewayTimeout))
    }

    @Test("a shed request is answered 503 at once, even when retryable")
    func shedNeverRetried() {
        var state = ProxyHandler.StateMachine(retries: 3, backoff: .milliseconds(50), isRetryable: true)
        #expect(state.next(after: .shed) == .answer(.serviceUnavailable))
        #expect(state.attempt == 0)
    }

    @Test("a shed after a retried failure is still answered 503")
    func shedAfterFailure() {
        var state = ProxyHandler.StateMachine(retries: 3, backoff: .milliseconds(50), isRetryable: true)
        #expect(state.next(after: .failed) == .retry(after: .milliseconds(50)))
        #expect(state.next(after: .shed) == .answer(.serviceUnavailable))
    }

    @Test("a request that is not retryable is answered after its first failure")
    func notRetryable() {
        var state = ProxyHandler.StateMachine(retries: 3, backoff: .milliseconds(50), isRetryable: false)
        #expect(state.next(after: .failed) == .answer(.badGateway))
        #expect(state.attempt == 0)
    }

    @Test("zero retries answers at once")
    func zeroRetries() {
        var state = ProxyHandler.StateMachine(retries: 0, backoff: .milliseconds(50), isRetryable: true)
        #expect(state.next(after: .timedOut) == .answer(.gatewayTimeout))
    }

    @Test("a client that went away abandons the loop, whatever the budget")
    func cancelled() {
        var state = ProxyHandler.StateMachine(retries: 3, backoff: .milliseconds(50), isRetryable: true)
        #expect(state.next(after: .cancelled) == .abandon)
        #expect(state.attempt == 0)
    }

    @Test("a retry whose wait would reach the deadline is not taken: the failure is answered now")
    func deadline() {
        var state = ProxyHandler.StateMachine(retries: 3, backoff: .milliseconds(50), isRetryable: true)
        #expect(state.next(after: .failed, timeLeft: .milliseconds(51)) == .retry(after: .milliseconds(50)))
        #expect(state.next(after: .timedOut, timeLeft: .milliseconds(100)) == .answer(.gatewayTimeout))
        #expect(state.attempt == 1)
        #expect(state.next(after: .failed, timeLeft: .milliseconds(-5)) == .answer(.badGateway))
        #expect(state.next(after: .cancelled, timeLeft: .zero) == .abandon)
    }

    @Test("the doubling stops at 2^30, so a huge retry count never overflows")
    func backoffCap() {
        var state = ProxyHandler.StateMachine(retries: 100, backoff: .seconds(3_600), isRetryable: true)
        var last = Duration.zero
        for _ in 0..<100 {
            guard case .retry(let wait) = state.next(after: .failed) else { break }
            last = wait
        }
        #expect(state.attempt == 100)
        #expect(last == .seconds(3_600) * (1 << 30))
    }

    @Test(
        "errors are classified by kind, cancellation first",
        arguments: [
            (UpstreamError.unavailable(.allOpen), false, AttemptFailure.shed),
            (UpstreamError.failed(target: "a:1", underlying: BackendFailure()), false, .failed),
            (UpstreamError.timedOut(target: "a:1"), false, .timedOut),
            (BackendFailure(), false, .failed),
            (CancellationError(), false, .cancelled),
            (UpstreamError.failed(target: "a:1", underlying: BackendFailure()), true, .cancelled),
            (UpstreamError.unavailable(.empty), true, .cancelled),
        ] as [(any Error & Sendable, Bool, AttemptFailure)])
    func classification(_ error: any Error & Sendable, _ isCancelled: Bool, _ expected: AttemptFailure) {
        #expect(AttemptFailure(error, isTaskCancelled: isCancelled) == expected)
    }

    @Test("each failure maps to its status")
    func statuses() {
        #expect(AttemptFailure.shed.status == .serviceUnavailable)
        #expect(AttemptFailure.failed.status == .badGateway)
        #expect(AttemptFailure.timedOut.status == .gatewayTimeout)
        #expect(AttemptFailure.cancelled.status == nil)
    }
}
