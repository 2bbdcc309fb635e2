import HTTPTypes
import NIOCore
import ParapetCore
import Testing

@Suite("HTTP bodies")
struct HTTPBodyTests {
    func chunks(_ parts: [String]) -> HTTPBody {
        let stream = AsyncStream<ByteBuffer> { continuation in
            for part in parts { continuation.yield(ByteBuffer(string: part)) }
            continuation.finish()
        }
        return HTTPBody(stream: stream)
    }

    @Test func bufferBodiesAreReplayable() async throws {
        let body = HTTPBody(string: "hello")
        #expect(body.knownLength == 5)
        #expect(body.isReplayable)
        #expect(String(buffer: try await body.collect(upTo: 100)) == "hello")
        #expect(String(buffer: try await body.collect(upTo: 100)) == "hello")
    }

    @Test func emptyBody() async throws {
        #expect(HTTPBody.empty.isKnownEmpty)
        #expect(HTTPBody(ByteBuffer()).isKnownEmpty)
        #expect(try await HTTPBody.empty.collect(upTo: 0).readableBytes == 0)
        var count = 0
        for try await _ in HTTPBody.empty { count += 1 }
        #expect(count == 0)
    }

    @Test func streamedBodyIsReadOnce() async throws {
        let body = chunks(["a", "b", "c"])
        #expect(!body.isReplayable)
        #expect(body.knownLength == nil)
        #expect(String(buffer: try await body.collect(upTo: 10)) == "abc")
        await #expect(throws: HTTPBodyError.alreadyConsumed) { try await body.collect(upTo: 10) }
    }

    @Test func bufferingMakesAStreamReplayable() async throws {
        let buffered = try await chunks(["ab", "cd"]).buffered(upTo: 4)
        #expect(buffered.isReplayable)
        #expect(buffered.knownLength == 4)
        #expect(String(buffer: try await buffered.collect(upTo: 4)) == "abcd")
        #expect(String(buffer: try await buffered.collect(upTo: 4)) == "abcd")
    }

    @Test func limitsAreExact() async throws {
        #expect(try await chunks(["12", "34"]).collect(upTo: 4).readableBytes == 4)
        await #expect(throws: HTTPBodyError.tooLarge(limit: 3)) { try await chunks(["12", "34"]).collect(upTo: 3) }
        await #expect(throws: HTTPBodyError.tooLarge(limit: 4)) { try await HTTPBody(string: "12345").buffered(upTo: 4) }
        let declared = HTTPBody(stream: AsyncStream<ByteBuffer> { $0.finish() }, length: 10)
        await #expect(throws: HTTPBodyError.tooLarge(limit: 9)) { try await declared.collect(upTo: 9) }
    }

    @Test func streamErrorsSurface() async throws {
        struct Broken: Error {}
        let stream = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
            continuation.yield(ByteBuffer(string: "partial"))
            continuation.finish(throwing: Broken())
        }
        await #expect(throws: Broken.self) { try await HTTPBody(stream: stream).collect(upTo: 100) }
    }

    @Test func requestBodyCanBeReplaced() async throws {
        var request = Request(head: .init(method: .post, scheme: "http", authority: "a", path: "/"), body: chunks(["x"]))
        request.body = HTTPBody(string: "replaced")
        #expect(String(buffer: try await request.body.collect(upTo: 100)) == "replaced")
    }
}
