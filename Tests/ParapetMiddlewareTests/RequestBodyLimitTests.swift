import HTTPTypes
import NIOCore
import Parapet
import ParapetCore
import ParapetTesting
import Synchronization
import ParapetTestSupport
import Testing

@testable import ParapetMiddleware

@Suite("RequestBodyLimit")
struct RequestBodyLimitTests {
    static let limit = 10

    func send(_ body: HTTPBody, limit: Int = limit, next: any Handler = bodyCounting) async throws -> Response {
        try await MiddlewareHarness().send(
            MiddlewareHarness.request(.post, body: body), through: RequestBodyLimit(limit), next: next)
    }

    @Test(arguments: [[10], [1, 9], [9, 1], [0, 4, 0, 6], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]])
    func aChunkedBodyOfExactlyTheLimitPasses(sizes: [Int]) async throws {
        let response = try await send(.chunks(sizes))
        #expect(response.status == .ok)
        #expect(try await response.text() == "read 10")
    }

    @Test(arguments: [[11], [10, 1], [1, 10], [5, 5, 1], [0, 11, 0]])
    func aChunkedBodyOfTheLimitPlusOneIsTooLarge(sizes: [Int]) async throws {
        let response = try await send(.chunks(sizes))
        #expect(response.status == .contentTooLarge)
        #expect(try await response.text() == "Content Too Large\n")
    }

    @Test(arguments: [10, 11])
    func aSizedBodyIsJudgedByItsLengthBeforeTheNextHandlerRuns(length: Int) async throws {
        let calls = Atomic(0)
        let counting = Endpoint { request, context in
            calls.add(1, ordering: .relaxed)
            return try await bodyCounting.handle(request, context: context)
        }
        for body in [
            HTTPBody.chunks([length], declaringLength: true), HTTPBody(ByteBuffer(repeating: 1, count: length)),
        ] {
            let response = try await send(body, next: counting)
            #expect(response.status == (length <= Self.limit ? .ok : .contentTooLarge))
        }
        #expect(calls.load(ordering: .relaxed) == (length <= Self.limit ? 2 : 0))
    }

    @Test func whateverTheNextHandlerMakesOfTheOverflowTheAnswerIs413() async throws {
        let swallowing = Endpoint { request, _ in
            do {
                _ = try await request.body.collect(upTo: .max)
                return .text("read it all")
            } catch {
                return .error(.badGateway)  // as an upstream whose upload failed would answer
            }
        }
        #expect(try await send(.chunks([6, 6]), next: swallowing).status == .contentTooLarge)
        #expect(try await send(.chunks([6, 4]), next: swallowing).status == .ok)
    }

    @Test func aZeroLimitAllowsOnlyEmptyBodies() async throws {
        #expect(try await send(.chunks([]), limit: 0).status == .ok)
        #expect(try await send(.chunks([0]), limit: 0).status == .ok)
        #expect(try await send(.chunks([1]), limit: 0).status == .contentTooLarge)
        #expect(try await send(.empty, limit: 0).status == .ok)
    }

    @Test func theAnswerBeyondTheLimitIsConfigurableAndANegativeLimitIsRejected() async throws {
        let custom = RequestBodyLimit(4, whenExceeded: Endpoint { _, _ in .text("too big", status: .badRequest) })
        let response = try await MiddlewareHarness().send(
            MiddlewareHarness.request(.post, body: .chunks([5])), through: custom, next: bodyCounting)
        #expect(response.status == .badRequest)
        #expect(try await response.text() == "too big")
        let error = #expect(throws: ConfigurationError.self) {
            _ = try RequestBodyLimit(-1).wrap(Endpoint.notFound, in: MiddlewareHarness().environment)
        }
        #expect(error == .invalidValue(field: "limit", reason: "-1 bytes is negative"))
    }

    @Test func theCountedBodyFailsOnceAndThenEnds() async throws {
        let counted = LimitedRequestBody(.chunks([3, 3]), limit: 4)
        var iterator = counted.body.makeAsyncIterator()
        #expect(try await iterator.next()?.readableBytes == 3)
        #expect(!counted.hasOverflowed)
        await #expect(throws: HTTPBodyError.tooLarge(limit: 4)) { try await iterator.next() }
        #expect(counted.hasOverflowed)
        #expect(try await iterator.next() == nil)
    }

    /// The raw request for `body`: sized with `Content-Length`, or chunked in chunks of `sizes`.
    static func upload(_ sizes: [Int], chunked: Bool) -> String {
        let payload = sizes.map { String(repeating: "x", count: $0) }
        guard chunked else {
            let body = payload.joined()
            return
                "POST /upload HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        let chunks = payload.map { String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n" }.joined()
        return
            "POST /upload HTTP/1.1\r\nHost: a\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n\(chunks)0\r\n\r\n"
    }

    @Test(arguments: [([10], 200), ([4, 6], 200), ([11], 413), ([4, 7], 413), ([10, 1], 413)])
    func theBoundaryHoldsOnARealSocketSizedAndChunked(sizes: [Int], status: Int) async throws {
        try await withTimeLimit(.seconds(20)) {
            let server = try loopbackServer()
            server.use(RequestBodyLimit(Self.limit))
            server.use(bodyCounting)
            try await withRunningServer(server) { address in
                for chunked in [false, true] {
                    let client = try await WireClient(to: address)
                    try await client.send(Self.upload(sizes, chunked: chunked))
                    let response = try await client.readResponse()
                    #expect(response.status == status, "chunked: \(chunked)")
                    #expect(response.body == (status == 200 ? "read 10" : "Content Too Large\n"))
                    await client.close()
                }
            }
        }
    }

    @Test func aChunkedUploadOverTheLimitIsAnswered413NotTheProxysFailure() async throws {
        try await withTimeLimit(.seconds(20)) {
            let origin = try loopbackServer()
            origin.use(bodyCounting)
            let transport = HTTPClientTransport()
            try await withRunningServer(origin) { originAddress in
                let proxy = try loopbackServer()
                proxy.use(RequestBodyLimit(Self.limit))
                proxy.use(
                    Upstream(SingleHost("\(originAddress)", transport: transport), Upstream.Options(retries: 0)))
                try await withRunningServer(proxy) { address in
                    for (sizes, expected) in [([4, 6], "200 read 10"), ([4, 7], "413 Content Too Large\n")] {
                        let client = try await WireClient(to: address)
                        try await client.send(Self.upload(sizes, chunked: true))
                        let response = try await client.readResponse()
                        #expect("\(response.status) \(response.body)" == expected)
                        await client.close()
                    }
                }
            }
            await transport.shutdown()
        }
    }
}
