import HTTPTypes
import NIOCore
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetCache

/// Chunks of text, then optionally an error, as a streamed body.
struct Chunks: AsyncSequence, Sendable {
    struct Cut: Error {}

    let parts: [String]
    let failsAtEnd: Bool

    func makeAsyncIterator() -> AsyncThrowingStream<ByteBuffer, any Error>.Iterator {
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        for part in parts { continuation.yield(ByteBuffer(string: part)) }
        continuation.finish(throwing: failsAtEnd ? Cut() : nil)
        return stream.makeAsyncIterator()
    }
}

@Suite("Cache: streamed bodies")
struct CacheBodyTests {
    func streamingOrigin(parts: [String], failsAtEnd: Bool = false, length: Int? = nil) -> Origin {
        Origin { _, _ in
            var fields: HTTPFields = [.cacheControl: "max-age=60"]
            if let length { fields[.contentLength] = String(length) }
            return Response(
                status: .ok, headerFields: fields,
                body: HTTPBody(stream: Chunks(parts: parts, failsAtEnd: failsAtEnd)))
        }
    }

    @Test func aStreamedBodyIsStoredOnceReadToItsEnd() async throws {
        let origin = streamingOrigin(parts: ["one ", "two ", "three"])
        try await cached(origin).test { client in
            let first = try await client.execute(.get, "/a")
            #expect(first.text == "one two three")
            let hit = try await client.execute(.get, "/a")
            #expect(hit.text == "one two three")
            #expect(hit.headerFields[.contentLength] == "13")
        }
        #expect(origin.requests.count == 1)
    }

    @Test func aBodyCutShortIsNeverStored() async throws {
        let failing = streamingOrigin(parts: ["one ", "two"], failsAtEnd: true)
        try await cached(failing).test { client in
            await #expect(throws: Chunks.Cut.self) { try await client.execute(.get, "/a") }
            await #expect(throws: Chunks.Cut.self) { try await client.execute(.get, "/a") }
        }
        #expect(failing.requests.count == 2)
        // The origin promised 100 bytes and sent 7: the client learns the body was cut short.
        let short = streamingOrigin(parts: ["one ", "two"], length: 100)
        try await cached(short).test { client in
            await #expect(throws: CacheFillError.self) { try await client.execute(.get, "/a") }
            await #expect(throws: CacheFillError.self) { try await client.execute(.get, "/a") }
        }
        #expect(short.requests.count == 2)
    }

    @Test func aBodyOverTheSizeLimitIsServedButNotStored() async throws {
        let origin = streamingOrigin(parts: ["0123456789", "0123456789"])
        try await cached(origin, options: Cache.Options(maxObjectSize: 15)).test { client in
            let first = try await client.execute(.get, "/a")
            #expect(first.body.readableBytes == 20)
            _ = try await client.execute(.get, "/a")
        }
        #expect(origin.requests.count == 2)
    }

    @Test func hopByHopFieldsAndThoseConnectionNamesAreNotStored() async throws {
        let origin = Origin([
            .cacheControl: "max-age=60", .connection: "X-Hop", HTTPField.Name("X-Hop")!: "1",
            HTTPField.Name("Keep-Alive")!: "timeout=5", .setCookie: "a=b", HTTPField.Name("X-Kept")!: "1",
        ])
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            let hit = try await client.execute(.get, "/a")
            #expect(hit.headerFields[HTTPField.Name("X-Hop")!] == nil)
            #expect(hit.headerFields[HTTPField.Name("Keep-Alive")!] == nil)
            #expect(hit.headerFields[.connection] == nil)
            #expect(hit.headerFields[.setCookie] == "a=b")
            #expect(hit.headerFields[HTTPField.Name("X-Kept")!] == "1")
            #expect(hit.headerFields[.date] != nil)
        }
    }

    @Test func responsesSettingCookiesCanBeKeptOut() async throws {
        let origin = Origin([.cacheControl: "max-age=60", .setCookie: "session=alice"])
        try await cached(origin, options: Cache.Options(storesSetCookie: false)).test { client in
            let first = try await client.execute(.get, "/a")
            #expect(first.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=200")
            let second = try await client.execute(.get, "/a")
            #expect(second.headerFields[.setCookie] == "session=alice")
        }
        #expect(origin.requests.count == 2)
    }
}
