import HTTPTypes
import NIOCore
import Parapet
import ParapetCore
import ParapetSimulation
import Synchronization
import Testing

@testable import ParapetMiddleware

@Suite("RequestBodyBuffer")
struct RequestBodyBufferTests {
    /// A next handler that reads the body twice and reports whether it was replayable and its length.
    static let readingTwice = Endpoint { request, _ in
        let first = try await request.body.collect(upTo: .max)
        let second = try await request.body.collect(upTo: .max)
        return .text(
            "replayable=\(request.body.isReplayable) length=\(request.body.knownLength ?? -1) "
                + "\(String(buffer: first) == String(buffer: second) ? "same" : "different")")
    }

    func send(_ body: HTTPBody, limit: Int = 10, next: any Handler = readingTwice) async throws -> Response {
        try await MiddlewareHarness().send(
            MiddlewareHarness.request(.post, body: body), through: RequestBodyBuffer(upTo: limit), next: next)
    }

    @Test(arguments: [[10], [3, 7], [0]])
    func aStreamedBodyUpToTheLimitBecomesReplayableWithAKnownLength(sizes: [Int]) async throws {
        let response = try await send(.chunks(sizes))
        #expect(try await response.text() == "replayable=true length=\(sizes.reduce(0, +)) same")
    }

    @Test(arguments: [[11], [6, 5]])
    func aChunkedBodyOverTheLimitIs413AndTheNextHandlerNeverRuns(sizes: [Int]) async throws {
        let calls = Atomic(0)
        let response = try await send(
            .chunks(sizes),
            next: Endpoint { _, _ in
                calls.add(1, ordering: .relaxed)
                return .text("ran")
            })
        #expect(response.status == .contentTooLarge)
        #expect(calls.load(ordering: .relaxed) == 0)
    }

    /// A body stream that counts the reads asked of it and yields nothing.
    struct WatchedChunks: AsyncSequence, Sendable {
        final class Reads: Sendable {
            let count = Atomic(0)
        }

        let reads = Reads()

        func makeAsyncIterator() -> Iterator { Iterator(reads: reads) }

        struct Iterator: AsyncIteratorProtocol {
            let reads: Reads

            mutating func next() async -> ByteBuffer? {
                reads.count.add(1, ordering: .relaxed)
                return nil
            }
        }
    }

    @Test func aSizedBodyOverTheLimitIsRefusedWithoutReadingIt() async throws {
        let watched = WatchedChunks()
        let response = try await send(HTTPBody(stream: watched, length: 11))
        #expect(response.status == .contentTooLarge)
        #expect(watched.reads.count.load(ordering: .relaxed) == 0)
        _ = try await send(HTTPBody(stream: watched, length: 10))
        #expect(watched.reads.count.load(ordering: .relaxed) == 1)
    }

    /// A transport whose first attempt fails after reading the body, and whose second answers with the
    /// body it received — so only a replayable body reaches the second attempt whole.
    final class FailingOnce: Transport {
        let attempts = Atomic(0)

        func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
            let body = try await request.body.collect(upTo: .max)
            guard attempts.add(1, ordering: .relaxed).newValue > 1 else {
                throw UpstreamError.failed(target: "origin", underlying: CancellationError())
            }
            return UpstreamResponse(response: .text("origin got \(String(buffer: body))"), target: "origin")
        }
    }

    @Test func aBufferedBodyCanBeRetriedByTheUpstream() async throws {
        let chain = Middlewares()
        chain.use(RequestBodyBuffer(upTo: 1 << 10))
        chain.use(Upstream(FailingOnce(), Upstream.Options(retries: 1, backoff: .zero, retryPolicy: { _ in true })))
        let harness = MiddlewareHarness()
        let response = try await harness.simulation.run { _ in
            try await harness.send(MiddlewareHarness.request(.post, body: .chunks([3, 4])), through: chain)
        }
        #expect(response.status == .ok)
        #expect(try await response.text() == "origin got aaabbbb")
    }
}
