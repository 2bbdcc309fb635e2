import ParapetCore
import ParapetTestSupport
import Synchronization
import Testing

/// A clock with no timers of its own: it gets the default `scheduleCallback`, a task sleeping on it.
private struct SleepOnlyClock: MonotonicClock {
    private static let origin = ContinuousClock.now

    var now: MonotonicInstant { MonotonicInstant(offset: Self.origin.duration(to: .now)) }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: MonotonicInstant, tolerance: Duration?) async throws {
        try await ContinuousClock().sleep(until: Self.origin.advanced(by: deadline.offset), tolerance: tolerance)
    }
}

@Suite("ScheduledCallback default", .timingSensitive, .timeLimit(.minutes(10)))
struct ScheduledCallbackTests {
    @Test func theDefaultCallsBackNoEarlierThanTheDeadline() async {
        let clock = SleepOnlyClock()
        let deadline = clock.now.advanced(by: .milliseconds(10))
        let at = await withCheckedContinuation { continuation in
            _ = clock.scheduleCallback(at: deadline) { continuation.resume(returning: clock.now) }
        }
        #expect(at >= deadline)
    }

    @Test func theDefaultNeverCallsACancelledCallback() async {
        let clock = SleepOnlyClock()
        let calls = Mutex<[String]>([])
        let cancelled = clock.scheduleCallback(at: clock.now.advanced(by: .milliseconds(5))) {
            calls.withLock { $0.append("cancelled") }
        }
        cancelled.cancel()
        await withCheckedContinuation { continuation in
            _ = clock.scheduleCallback(at: clock.now.advanced(by: .milliseconds(20))) {
                calls.withLock { $0.append("later") }
                continuation.resume()
            }
        }
        cancelled.cancel()
        #expect(calls.withLock { $0 } == ["later"])
    }

    @Test func onceRunsTheFirstOfFireAndCancel() {
        let calls = Mutex(0)
        let fired = OnceCallback { calls.withLock { $0 += 1 } }
        fired.fire()
        fired.fire()
        #expect(!fired.cancel())
        let cancelled = OnceCallback { calls.withLock { $0 += 1 } }
        #expect(cancelled.cancel())
        cancelled.fire()
        #expect(calls.withLock { $0 } == 1)
    }
}
