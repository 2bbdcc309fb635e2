import HTTPTypes
import Parapet
import ParapetCore
import ParapetSimulation
import ParapetTesting
import ParapetTestSupport
import Testing

@testable import ParapetMiddleware

@Suite("Timeout")
struct TimeoutTests {
    /// Runs `request` through `middleware` in front of `next` in virtual time; answers the response's
    /// transcript and the virtual time it took, body included.
    func run(
        _ middleware: any Middleware, next: any Handler, request: Request = MiddlewareHarness.request()
    ) async throws -> (transcript: String, took: Duration) {
        let harness = MiddlewareHarness()
        return try await harness.simulation.run { runtime in
            let start = runtime.clock.now
            let response = try await harness.send(request, through: middleware, next: next)
            return (await response.transcript(), runtime.clock.now - start)
        }
    }

    @Test func aDeadlineBeforeTheHeadCancelsTheHandlerAndAnswers504() async throws {
        let slow = SlowHandler(.seconds(5))
        let (transcript, took) = try await run(Timeout(.seconds(1)), next: slow)
        #expect(transcript == "504 Gateway Timeout\n")
        #expect(took == .seconds(1))
        #expect(slow.wasCancelled)
        #expect(slow.deadline == .zero.advanced(by: .seconds(1)))
    }

    @Test func aHeadBeforeTheDeadlineStandsWhileItsBodyStreamsPastIt() async throws {
        let streaming = Endpoint { _, context in
            try await context.runtime.clock.sleep(for: .milliseconds(500))
            let chunks = TimedChunks(
                clock: context.runtime.clock,
                chunks: [(.zero, "head "), (.seconds(1), "late "), (.seconds(1), "later")])
            return Response(status: .ok, body: HTTPBody(stream: chunks))
        }
        let (transcript, took) = try await run(Timeout(.seconds(1)), next: streaming)
        #expect(transcript == "200 head late later")
        #expect(took == .milliseconds(2_500))
    }

    @Test func aHandlerThatAnswersInTimeIsUntouched() async throws {
        let slow = SlowHandler(.milliseconds(999))
        let (transcript, took) = try await run(Timeout(.seconds(1)), next: slow)
        #expect(transcript == "200 on time")
        #expect(took == .milliseconds(999))
        #expect(!slow.wasCancelled)
    }

    @Test func anEarlierOuterDeadlineIsKeptAndAZeroTimeoutIsNoTimeout() async throws {
        let slow = SlowHandler(.seconds(2))
        let chain = Middlewares([Timeout(.seconds(3)), Timeout(.seconds(10)), Timeout(.zero)])
        let (transcript, took) = try await run(chain, next: slow)
        #expect(transcript == "200 on time")
        #expect(took == .seconds(2))
        #expect(slow.deadline == .zero.advanced(by: .seconds(3)))
    }

    @Test func theTimeoutAnswerIsConfigurableAndOuterMiddlewaresStillDecorateIt() async throws {
        let chain = Middlewares([
            ResponseHeaders(.set("X-Outer", "kept")),
            Timeout(
                .seconds(1), whenTimedOut: Endpoint { _, _ in .text("later, please", status: .serviceUnavailable) }),
        ])
        let harness = MiddlewareHarness()
        let response = try await harness.simulation.run { _ in
            try await harness.send(MiddlewareHarness.request(), through: chain, next: SlowHandler(.seconds(2)))
        }
        #expect(response.status == .serviceUnavailable)
        #expect(response.headerFields[HTTPField.Name("X-Outer")!] == "kept")
        #expect(try await response.text() == "later, please")
    }

    struct Refused: Error {}

    @Test func anErrorBeforeTheDeadlinePropagates() async throws {
        let failing = Endpoint { _, _ in throw Refused() }
        await #expect(throws: Refused.self) { _ = try await run(Timeout(.seconds(1)), next: failing) }
    }

    @Test func aLateHandlerIsAnswered504OnARealSocket() async throws {
        try await withTimeLimit(.seconds(20)) {
            let slow = SlowHandler(.seconds(30))
            let server = try loopbackServer()
            server.use(Timeout(.milliseconds(200)))
            server.use(Endpoint { request, context in try await slow.handle(request, context: context) })
            try await withRunningServer(server) { address in
                let client = try await WireClient(to: address)
                try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.status == 504)
                #expect(response.body == "Gateway Timeout\n")
                #expect(slow.wasCancelled)
                await client.close()
            }
        }
    }
}
