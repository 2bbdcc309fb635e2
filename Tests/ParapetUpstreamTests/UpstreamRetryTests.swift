import HTTPTypes
import InMemoryLogging
import Logging
import NIOCore
import ParapetCore
import ParapetSimulation
import ParapetTesting
import ParapetUpstream
import Testing

@Suite("Upstream: failures and retries")
struct UpstreamRetryTests {
    /// Proxies `request` through `backend` in virtual time; returns the status and the instant it came.
    func answer(
        _ request: Request = Request.test(), from backend: ScriptedBackends,
        _ options: Upstream.Options = Upstream.Options()
    ) async throws -> (status: HTTPResponse.Status, at: MonotonicInstant) {
        try await simulate { runtime in
            let response = try await proxy(backend, options, runtime: runtime).handle(
                request, context: RequestContext.test(runtime))
            return (response.status, runtime.clock.now)
        }
    }

    @Test("a failing GET is tried 4 times, 50, 100 and 200 ms apart in virtual time, then answered 502")
    func backoffInstants() async throws {
        let backend = ScriptedBackends([.fail(resetByPeer)])
        let result = try await answer(from: backend)
        #expect(result.status == .badGateway)
        #expect(
            backend.calls.map(\.at) == [
                .at(.milliseconds(0)), .at(.milliseconds(50)), .at(.milliseconds(150)), .at(.milliseconds(350)),
            ])
        #expect(backend.calls.map(\.request.attempt) == [0, 1, 2, 3])
        #expect(result.at == .at(.milliseconds(350)))
    }

    @Test("a retry that succeeds returns the upstream's answer")
    func retrySucceeds() async throws {
        let backend = ScriptedBackends([.fail(resetByPeer), .fail(resetByPeer), .respond(.ok)])
        let result = try await answer(from: backend)
        #expect(result.status == .ok)
        #expect(backend.calls.count == 3)
        #expect(result.at == .at(.milliseconds(150)))
    }

    @Test("every attempt sends the same path: a retry never applies the prefix or the target query again")
    func retriesKeepThePath() async throws {
        let backend = ScriptedBackends([.fail(resetByPeer)])
        _ = try await answer(Request.test(path: "/orig?q=2"), from: backend, Upstream.Options(path: "/p?x=1"))
        #expect(backend.calls.map(\.request.head.path) == Array(repeating: "/p/orig?x=1&q=2", count: 4))
    }

    @Test("retries and backoff follow the options")
    func customRetries() async throws {
        let backend = ScriptedBackends([.fail(UpstreamError.timedOut(target: "backend:80"))])
        let result = try await answer(from: backend, Upstream.Options(retries: 2, backoff: .seconds(1)))
        #expect(result.status == .gatewayTimeout)
        #expect(
            backend.calls.map(\.at) == [.at(.milliseconds(0)), .at(.milliseconds(1_000)), .at(.milliseconds(3_000))])
    }

    @Test("zero retries sends once")
    func noRetries() async throws {
        let backend = ScriptedBackends([.fail(resetByPeer)])
        #expect(try await answer(from: backend, Upstream.Options(retries: 0)).status == .badGateway)
        #expect(backend.calls.count == 1)
    }

    @Test("a POST is not retried, even with a replayable body")
    func postNotRetried() async throws {
        let backend = ScriptedBackends([.fail(resetByPeer)])
        let result = try await answer(Request.test(.post, body: HTTPBody(string: "order=1")), from: backend)
        #expect(result.status == .badGateway)
        #expect(backend.calls.count == 1)
        #expect(result.at == .at(.milliseconds(0)))
    }

    @Test("a policy may widen retries to PUT; every attempt replays the whole buffered body")
    func putRetriedWithPolicy() async throws {
        let backend = ScriptedBackends([.fail(resetByPeer), .respond(.noContent)])
        let options = Upstream.Options(retryPolicy: { $0.method == .put || Upstream.defaultRetryPolicy($0) })
        let result = try await answer(Request.test(.put, body: HTTPBody(string: "v=2")), from: backend, options)
        #expect(result.status == .noContent)
        #expect(backend.calls.map(\.body) == ["v=2", "v=2"])
    }

    @Test("a streamed body is never retried, whatever the policy says")
    func streamedBodyNotRetried() async throws {
        let backend = ScriptedBackends([.fail(resetByPeer)])
        let chunks = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(ByteBuffer(string: "chunk"))
            continuation.finish()
        }
        let request = Request.test(.put, body: HTTPBody(stream: chunks))
        let result = try await answer(request, from: backend, Upstream.Options(retryPolicy: { _ in true }))
        #expect(result.status == .badGateway)
        #expect(backend.calls.map(\.body) == ["chunk"])
    }

    @Test("a GET whose streamed body is known to be empty is retried, sending an empty body")
    func knownEmptyStreamRetried() async throws {
        let backend = ScriptedBackends([.fail(resetByPeer), .respond(.ok)])
        let request = Request.test(body: HTTPBody(stream: AsyncStream<ByteBuffer> { $0.finish() }, length: 0))
        #expect(try await answer(request, from: backend).status == .ok)
        #expect(backend.calls.map(\.body) == ["", ""])
    }

    @Test("a shed request is answered 503 at once and never retried")
    func shedNotRetried() async throws {
        let backend = ScriptedBackends([.fail(UpstreamError.unavailable(.allOpen))])
        let result = try await answer(from: backend)
        #expect(result.status == .serviceUnavailable)
        #expect(backend.calls.count == 1)
        #expect(result.at == .at(.milliseconds(0)))
    }

    @Test("a shed after a failed attempt stops the retries with 503")
    func shedAfterFailure() async throws {
        let backend = ScriptedBackends([
            .fail(resetByPeer), .fail(UpstreamError.unavailable(.saturated)), .respond(.ok),
        ])
        let result = try await answer(from: backend)
        #expect(result.status == .serviceUnavailable)
        #expect(backend.calls.count == 2)
    }

    @Test(
        "errors map to 502, 503 and 504 when not retried",
        arguments: [
            (UpstreamError.failed(target: "backend:80", underlying: BackendFailure()), HTTPResponse.Status.badGateway),
            (UpstreamError.timedOut(target: "backend:80"), .gatewayTimeout),
            (UpstreamError.unavailable(.empty), .serviceUnavailable),
            (BackendFailure(), .badGateway),
        ] as [(any Error & Sendable, HTTPResponse.Status)])
    func errorMapping(_ error: any Error & Sendable, _ status: HTTPResponse.Status) async throws {
        let backend = ScriptedBackends([.fail(error)])
        let response = try await simulate { runtime in
            try await proxy(backend, runtime: runtime).handle(
                Request.test(.post), context: RequestContext.test(runtime))
        }
        #expect(response.status == status)
        #expect(try await response.text() == status.reasonPhrase + "\n")
    }

    @Test("a response head that never comes is a 504 after the transport's timeout on every attempt, never a 200")
    func headTimeout() async throws {
        let backend = ScriptedBackends([.fail(UpstreamError.timedOut(target: "backend:80"), after: .seconds(30))])
        let result = try await answer(from: backend)
        #expect(result.status == .gatewayTimeout)
        #expect(
            backend.calls.map(\.at) == [
                .at(.milliseconds(0)), .at(.milliseconds(30_050)), .at(.milliseconds(60_150)),
                .at(.milliseconds(90_350)),
            ])
        #expect(result.at == .at(.milliseconds(120_350)))
    }

    @Test(
        "upstream 4xx and 5xx responses pass through untouched and are not retried",
        arguments: [
            HTTPResponse.Status.notFound, .internalServerError, .badGateway, .serviceUnavailable,
        ])
    func errorResponsesPassThrough(_ status: HTTPResponse.Status) async throws {
        let backend = ScriptedBackends([
            .respond(status, [.retryAfter: "5"], body: HTTPBody(string: "from upstream")), .respond(.ok),
        ])
        let (response, text) = try await simulate { runtime in
            let response = try await proxy(backend, runtime: runtime).handle(
                Request.test(), context: RequestContext.test(runtime))
            return (response, try await response.text())
        }
        #expect(response.status == status)
        #expect(response.headerFields == [.retryAfter: "5"])
        #expect(text == "from upstream")
        #expect(backend.calls.count == 1)
    }

    @Test("onRoundTrip hears every attempt once, with its number, target, status or error and head time")
    func onRoundTrip() async throws {
        let reports = Recorder<RoundTripInfo>()
        let backend = ScriptedBackends([
            .fail(resetByPeer, after: .milliseconds(5)), .fail(UpstreamError.unavailable(.allOpen)),
        ])
        let flaky = ScriptedBackends(
            [.fail(resetByPeer), .respond(.accepted, after: .milliseconds(25))], target: "b:80")
        let options = Upstream.Options(onRoundTrip: { reports.append($0) })
        #expect(try await answer(from: flaky, options).status == .accepted)
        #expect(reports.elements.map(\.attempt) == [0, 1])
        #expect(reports.elements.map(\.status) == [nil, .accepted])
        #expect(reports.elements.map(\.target) == ["backend:80", "b:80"])
        #expect(reports.elements.map(\.duration) == [.zero, .milliseconds(25)])
        #expect(reports.elements.map { $0.error == nil } == [false, true])

        let shedReports = Recorder<RoundTripInfo>()
        let shedOptions = Upstream.Options(onRoundTrip: { shedReports.append($0) })
        #expect(try await answer(from: backend, shedOptions).status == .serviceUnavailable)
        #expect(shedReports.elements.map(\.attempt) == [0, 1])
        #expect(shedReports.elements.map(\.target) == ["backend:80", nil])
        #expect(shedReports.elements.map(\.duration) == [.milliseconds(5), .zero])
    }

    @Test("the answered error is logged with the target as `upstream` metadata; a shed as a warning")
    func logging() async throws {
        let (logger, log) = memoryLogger()
        let backend = ScriptedBackends([.fail(resetByPeer)])
        let shedding = ScriptedBackends([.fail(UpstreamError.unavailable(.allDark))])
        try await simulate { runtime in
            let context = RequestContext.test(runtime, logger: logger)
            _ = try await proxy(backend, Upstream.Options(retries: 0), runtime: runtime).handle(
                Request.test(), context: context)
            _ = try await proxy(shedding, runtime: runtime).handle(Request.test(), context: context)
        }
        let entries = log.entries
        #expect(entries.map(\.level) == [.error, .warning])
        #expect(entries.map { $0.metadata["upstream"] } == ["backend:80", nil])
        #expect(
            entries.map(\.message.description) == [
                "upstream: \(resetByPeer)", "upstream: \(UpstreamError.unavailable(.allDark))",
            ])
    }
}
