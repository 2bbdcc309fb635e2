import HTTPTypes
import ParapetCore
import ParapetSimulation
import ParapetTesting
import ParapetUpstream
import Testing

@Suite("Upstream: a client that goes away")
struct UpstreamCancellationTests {
    /// Proxies a GET through `backend`, cancelling it after `delay`; returns the outcome, the reports,
    /// and the virtual instant the simulation ended at.
    func cancel(_ backend: ScriptedBackends, after delay: Duration) async throws
        -> (outcome: Result<Response, any Error>, reports: [RoundTripInfo], end: MonotonicInstant)
    {
        let reports = Recorder<RoundTripInfo>()
        let options = Upstream.Options(onRoundTrip: { reports.append($0) })
        return try await simulate { runtime in
            let handler = try proxy(backend, options, runtime: runtime)
            let outcome = try await handleCancelled(
                handler, Request.test(), context: RequestContext.test(runtime), after: delay)
            // Any retry the cancellation failed to stop would run within the next second.
            try await runtime.clock.sleep(for: .seconds(1))
            return (outcome, reports.elements, runtime.clock.now)
        }
    }

    @Test("cancelled during the backoff: CancellationError is rethrown, nothing is answered, no retry follows")
    func duringBackoff() async throws {
        let backend = ScriptedBackends([.fail(resetByPeer)])
        let (outcome, reports, _) = try await cancel(backend, after: .milliseconds(10))
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(backend.calls.count == 1)
        #expect(reports.map(\.attempt) == [0])
    }

    @Test("cancelled while waiting for the head: CancellationError is rethrown and the attempt reported once")
    func duringRoundTrip() async throws {
        let backend = ScriptedBackends([.hang()])
        let (outcome, reports, _) = try await cancel(backend, after: .milliseconds(10))
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(backend.calls.count == 1)
        #expect(reports.count == 1)
        #expect(reports.first?.error is CancellationError)
        #expect(reports.first?.duration == .milliseconds(10))
    }

    @Test("a transport that reports the torn-down exchange as a failure still answers nothing and is not retried")
    func transportReportsReset() async throws {
        let backend = ScriptedBackends([.hang(throwing: resetByPeer)])
        let (outcome, reports, _) = try await cancel(backend, after: .milliseconds(10))
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(backend.calls.count == 1)
        #expect(reports.map(\.attempt) == [0])
    }

    @Test("a shed answer racing the cancellation answers nothing either")
    func shedWhileCancelled() async throws {
        let backend = ScriptedBackends([.hang(throwing: UpstreamError.unavailable(.allOpen))])
        let (outcome, _, _) = try await cancel(backend, after: .milliseconds(10))
        #expect(throws: CancellationError.self) { try outcome.get() }
    }
}
