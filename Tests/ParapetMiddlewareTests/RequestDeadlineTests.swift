import HTTPTypes
import NIOCore
import Parapet
import ParapetCore
import ParapetSimulation
import ParapetTestSupport
import ParapetTesting
import Synchronization
import Testing

@testable import ParapetMiddleware

@Suite("RequestDeadline", .timingSensitive)
struct RequestDeadlineTests {
    /// Runs a request through `middleware` in front of `next` in virtual time; answers the response's
    /// transcript and the virtual time it took, body included.
    func run(_ middleware: any Middleware, next: any Handler) async throws -> (transcript: String, took: Duration) {
        let harness = MiddlewareHarness()
        return try await harness.simulation.run { runtime in
            let start = runtime.clock.now
            let response = try await harness.send(MiddlewareHarness.request(), through: middleware, next: next)
            return (await response.transcript(), runtime.clock.now - start)
        }
    }

    static let exceeded = DeadlineBoundBody.DeadlineExceeded().description

    @Test func aDeadlineBeforeTheHeadCancelsTheHandlerAndAnswers504() async throws {
        let slow = SlowHandler(.seconds(5))
        let (transcript, took) = try await run(RequestDeadline(.seconds(1)), next: slow)
        #expect(transcript == "504 Gateway Timeout\n")
        #expect(took == .seconds(1))
        #expect(slow.wasCancelled)
        #expect(slow.deadline == .zero.advanced(by: .seconds(1)))
    }

    @Test func aBodyStillStreamingAtTheDeadlineIsCutOff() async throws {
        let stalling = Endpoint { _, context in
            try await context.runtime.clock.sleep(for: .milliseconds(200))
            let chunks = TimedChunks(
                clock: context.runtime.clock,
                chunks: [(.zero, "head "), (.milliseconds(300), "more "), (.seconds(5), "never")])
            return Response(status: .ok, body: HTTPBody(stream: chunks))
        }
        let (transcript, took) = try await run(RequestDeadline(.seconds(1)), next: stalling)
        #expect(transcript == "200 head more !\(Self.exceeded)")
        #expect(took == .seconds(1))
    }

    @Test func aBodyThatEndsInTimeIsWholeWithItsLengthAndTrailers() async throws {
        let trailers = HTTPTrailers([HTTPField.Name("Grpc-Status")!: "0"])
        let finishing = Endpoint { _, context in
            let chunks = TimedChunks(
                clock: context.runtime.clock, chunks: [(.milliseconds(400), "ab"), (.milliseconds(500), "cd")])
            return Response(status: .ok, body: HTTPBody(stream: chunks, length: 4, trailers: trailers))
        }
        let harness = MiddlewareHarness()
        let (transcript, length, sameTrailers) = try await harness.simulation.run { _ in
            let response = try await harness.send(
                MiddlewareHarness.request(), through: RequestDeadline(.seconds(1)), next: finishing)
            return (await response.transcript(), response.body.knownLength, response.body.trailers === trailers)
        }
        #expect(transcript == "200 abcd")
        #expect(length == 4)
        #expect(sameTrailers)
    }

    @Test func aReadAskedForAfterTheDeadlineFailsEvenAtTheBodysEnd() async throws {
        let harness = MiddlewareHarness()
        let clock = harness.simulation.clock
        let outcome = try await harness.simulation.run { _ in
            let body = DeadlineBoundBody.bounding(
                .chunks([2]), by: clock.now.advanced(by: .seconds(1)), on: clock)
            var iterator = body.makeAsyncIterator()
            let first = try await iterator.next()?.readableBytes
            try await clock.sleep(for: .seconds(1))  // a slow client: the end is asked for at the deadline
            do {
                return "\(first ?? -1) then \(try await iterator.next()?.readableBytes ?? -1)"
            } catch {
                return "\(first ?? -1) then \(error)"
            }
        }
        #expect(outcome == "2 then \(Self.exceeded)")
    }

    @Test func aBodyInMemoryIsLeftAsItIs() {
        let body = HTTPBody(string: "in memory")
        let bounded = DeadlineBoundBody.bounding(body, by: .zero, on: MiddlewareHarness().simulation.clock)
        #expect(bounded.isReplayable)
    }

    /// A transport whose every attempt fails after `after`, counting the attempts.
    final class SlowlyFailing: Transport {
        let after: Duration
        let attempts = Atomic(0)

        init(after: Duration) {
            self.after = after
        }

        func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
            attempts.add(1, ordering: .relaxed)
            try await context.runtime.clock.sleep(for: after)
            throw UpstreamError.failed(target: "origin", underlying: CancellationError())
        }
    }

    @Test(arguments: [
        // The 200 ms wait would reach the deadline: the failure is answered at once.
        (Duration.milliseconds(200), "502 Bad Gateway\n", Duration.milliseconds(900), 1),
        // 50 ms fits: the retry starts, and the deadline cancels it.
        (.milliseconds(50), "504 Gateway Timeout\n", .seconds(1), 2),
    ])
    func theUpstreamDoesNotStartARetryPastTheDeadline(
        backoff: Duration, transcript: String, took: Duration, attempts: Int
    ) async throws {
        let transport = SlowlyFailing(after: .milliseconds(900))
        let chain = Middlewares([
            RequestDeadline(.seconds(1)), Upstream(transport, Upstream.Options(retries: 3, backoff: backoff)),
        ])
        let outcome = try await run(chain, next: Endpoint.notFound)
        #expect(outcome.transcript == transcript)
        #expect(outcome.took == took)
        #expect(transport.attempts.load(ordering: .relaxed) == attempts)
    }

    @Test func aProxiedBodyThatStallsIsCutOffAtTheDeadlineOnARealSocket() async throws {
        try await withTimeLimit(.seconds(20)) {
            let origin = try loopbackServer()
            origin.use(
                Endpoint { _, context in
                    let chunks = TimedChunks(
                        clock: context.runtime.clock, chunks: [(.zero, "first;"), (.seconds(10), "second;")])
                    return Response(status: .ok, body: HTTPBody(stream: chunks))
                })
            let transport = HTTPClientTransport()
            try await withRunningServer(origin) { originAddress in
                let proxy = try loopbackServer()
                // Long enough for the head to arrive on a loaded machine, far shorter than the stall.
                proxy.use(RequestDeadline(.seconds(5)))
                proxy.use(
                    Upstream(SingleHost("\(originAddress)", transport: transport), Upstream.Options(retries: 0)))
                try await withRunningServer(proxy) { address in
                    let client = try await WireClient(to: address)
                    try await client.send("GET /stream HTTP/1.1\r\nHost: a\r\n\r\n")
                    await #expect(throws: LoopbackError.truncated) { try await client.readResponse() }
                    await client.close()
                }
            }
            await transport.shutdown()
        }
    }
}
