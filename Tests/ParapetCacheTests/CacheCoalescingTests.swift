import HTTPTypes
import NIOCore
import ParapetCore
import ParapetTestSupport
import ParapetTesting
import Testing

@testable import ParapetCache

/// Chunks of text that arrive `delay` apart on `clock`, optionally failing after the last one.
struct SlowChunks: AsyncSequence, Sendable {
    let clock: any MonotonicClock
    let parts: [String]
    let delay: Duration
    var failsAtEnd = false

    func makeAsyncIterator() -> Iterator {
        Iterator(chunks: self)
    }

    struct Iterator: AsyncIteratorProtocol {
        let chunks: SlowChunks
        var index = 0

        mutating func next() async throws -> ByteBuffer? {
            try await chunks.clock.sleep(for: chunks.delay)
            guard index < chunks.parts.count else {
                if chunks.failsAtEnd { throw Chunks.Cut() }
                return nil
            }
            index += 1
            return ByteBuffer(string: chunks.parts[index - 1])
        }
    }
}

@Suite("Cache: request coalescing", .cpuHeavy)
struct CacheCoalescingTests {
    /// An origin that answers after `thinking`, with `parts` arriving 100 ms apart, declaring their length.
    func slowOrigin(
        _ test: ChainTest, parts: [String], thinking: Duration = .milliseconds(100), fields: HTTPFields = [:],
        failsAtEnd: Bool = false
    ) -> Origin {
        let clock = test.runtime.clock
        return Origin { _, _ in
            try await clock.sleep(for: thinking)
            var headers: HTTPFields = [.cacheControl: "max-age=60"]
            headers.append(contentsOf: fields)
            let body = SlowChunks(clock: clock, parts: parts, delay: .milliseconds(100), failsAtEnd: failsAtEnd)
            return Response(
                status: .ok, headerFields: headers,
                body: HTTPBody(stream: body, length: parts.map(\.utf8.count).reduce(0, +)))
        }
    }

    @Test func tenThousandMissesForOneColdKeyMakeOneOriginRequest() async throws {
        let test = ChainTest()
        let parts = (0..<10).map { "part \($0) " }
        let origin = slowOrigin(test, parts: parts)
        let statuses = try await test.run(cached(origin)) { client in
            try await withThrowingTaskGroup(of: (String, String?).self) { group in
                for _ in 0..<10_000 {
                    group.addTask {
                        let response = try await client.execute(.get, "/cold")
                        return (response.text, response.headerFields[.cacheStatus])
                    }
                }
                var statuses: [String: Int] = [:]
                for try await (body, status) in group {
                    #expect(body == parts.joined())
                    statuses[status ?? "none", default: 0] += 1
                }
                return statuses
            }
        }
        #expect(origin.requests.count == 1)
        // The origin took 100 ms, which counts towards the response's age: 59.9 s of freshness left.
        #expect(
            statuses == [
                "parapet; fwd=uri-miss; fwd-status=200; stored; ttl=59": 1,
                "parapet; fwd=uri-miss; fwd-status=200; collapsed; ttl=59": 9_999,
            ])
    }

    @Test func followersReadWhileTheBodyArrives() async throws {
        let test = ChainTest()
        let origin = slowOrigin(test, parts: ["a", "b", "c", "d"], thinking: .zero)
        let clock = test.runtime.clock
        try await test.run(cached(origin)) { client in
            let start = clock.now
            async let first = client.execute(.get, "/a")
            try await client.sleep(for: .milliseconds(250))
            // Two chunks are in; the follower gets the rest as they come, finishing with the leader.
            let second = try await client.execute(.get, "/a")
            #expect(second.text == "abcd")
            #expect(clock.now - start == .milliseconds(500))
            #expect(try await first.text == "abcd")
        }
        #expect(origin.requests.count == 1)
    }

    @Test func theFillGoesOnWhenTheLeadersClientGoesAway() async throws {
        let test = ChainTest()
        let origin = slowOrigin(test, parts: ["one ", "two"])
        // The client of a request marked `X-Gone` drops the body unread, as a disconnected client would.
        let dropping = Around { request, context, next in
            var response = try await next.handle(request, context: context)
            if request.headerFields[HTTPField.Name("X-Gone")!] != nil { response.body = .empty }
            return response
        }
        let chain = Middlewares([dropping, Cache(store: MemoryCacheStore(byteBudget: 1 << 20)), origin.endpoint])
        try await test.run(chain) { client in
            _ = try await client.execute(.get, "/a", headers: [HTTPField.Name("X-Gone")!: "1"])
            try await client.sleep(for: .seconds(1))
            let hit = try await client.execute(.get, "/a")
            #expect(hit.text == "one two")
            #expect(hit.headerFields[.cacheStatus]?.contains("hit") == true)
        }
        #expect(origin.requests.count == 1)
    }

    @Test func aFillThatBreaksOffFailsEveryReaderAndStoresNothing() async throws {
        let test = ChainTest()
        let origin = slowOrigin(test, parts: ["one ", "two"], failsAtEnd: true)
        try await test.run(cached(origin)) { client in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        do {
                            _ = try await client.execute(.get, "/a")
                            return false
                        } catch {
                            return true
                        }
                    }
                }
                for try await failed in group { #expect(failed) }
            }
            await #expect(throws: (any Error).self) { try await client.execute(.get, "/a") }
        }
        #expect(origin.requests.count == 2)
    }

    @Test func anUnstorableResponseSendsEachWaiterToTheOrigin() async throws {
        let test = ChainTest()
        let origin = slowOrigin(test, parts: ["x"], fields: [.cacheControl: "no-store"])
        try await test.run(cached(origin)) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<5 { group.addTask { _ = try await client.execute(.get, "/a") } }
                try await group.waitForAll()
            }
        }
        #expect(origin.requests.count == 5)
    }

    @Test func aWaiterGivesUpAfterTheLockTimeout() async throws {
        let test = ChainTest()
        let origin = slowOrigin(test, parts: ["x"], thinking: .seconds(5))
        let clock = test.runtime.clock
        try await test.run(cached(origin, options: Cache.Options(lockTimeout: .seconds(2)))) { client in
            async let leader = client.execute(.get, "/a")
            try await client.sleep(for: .milliseconds(1))
            let start = clock.now
            let follower = try await client.execute(.get, "/a")
            // 2 s waiting, then its own origin request: 5 s thinking, 100 ms before the chunk and 100 ms
            // before the end.
            #expect(clock.now - start == .milliseconds(7_200))
            #expect(follower.headerFields[.cacheStatus]?.contains("collapsed") == false)
            _ = try await leader
        }
        #expect(origin.requests.count == 2)
    }

    @Test func onlyWhatAHitCouldServeIsShared() async throws {
        let test = ChainTest()
        // Revalidated on every use: a waiting request must ask the origin itself (with its own cookie).
        let perUser = slowOrigin(test, parts: ["mine"], fields: [.cacheControl: "no-cache", .eTag: "\"u\""])
        try await test.run(cached(perUser)) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 { group.addTask { _ = try await client.execute(.get, "/me") } }
                try await group.waitForAll()
            }
        }
        #expect(perUser.requests.count == 3)
        // Shared, but never with the field it withholds until validation.
        let cookieTest = ChainTest()
        let cookie = slowOrigin(
            cookieTest, parts: ["page"], fields: [.cacheControl: "no-cache=\"Set-Cookie\"", .setCookie: "id=1"])
        let statuses = try await cookieTest.run(cached(cookie)) { client in
            try await withThrowingTaskGroup(of: (String?, String?).self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        let response = try await client.execute(.get, "/page")
                        return (response.headerFields[.cacheStatus], response.headerFields[.setCookie])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(cookie.requests.count == 1)
        for (status, setCookie) in statuses where status?.contains("collapsed") == true {
            #expect(setCookie == nil)
        }
        #expect(statuses.filter { $0.0?.contains("collapsed") == true }.count == 2)
    }

    @Test func anInvalidationDuringAFillKeepsItOutOfTheStore() async throws {
        let test = ChainTest()
        let clock = test.runtime.clock
        let origin = Origin { request, _ in
            if request.method == .post { return Response(status: .noContent) }
            let body = SlowChunks(clock: clock, parts: ["old ", "body"], delay: .milliseconds(100))
            return Response(
                status: .ok, headerFields: [.cacheControl: "max-age=60"], body: HTTPBody(stream: body, length: 8))
        }
        try await test.run(cached(origin)) { client in
            async let reader = client.execute(.get, "/a")
            try await client.sleep(for: .milliseconds(150))
            _ = try await client.execute(.post, "/a")
            #expect(try await reader.text == "old body")
            let after = try await client.execute(.get, "/a")
            #expect(after.headerFields[.cacheStatus]?.hasPrefix("parapet; fwd=uri-miss") == true)
        }
        #expect(origin.requests.count == 3)
    }

    @Test func requestsThatFindAnEntryStaleTogetherMakeOneValidation() async throws {
        let test = ChainTest()
        let clock = test.runtime.clock
        let origin = Origin { request, count in
            guard count > 1 else {
                return Response(
                    status: .ok, headerFields: [.eTag: "\"v1\"", .cacheControl: "max-age=10"], body: HTTPBody(string: "v1"))
            }
            try await clock.sleep(for: .milliseconds(300))
            #expect(request.headerFields[.ifNoneMatch] == "\"v1\"")
            return Response(status: .notModified, headerFields: [.eTag: "\"v1\"", .cacheControl: "max-age=10"])
        }
        let statuses = try await test.run(cached(origin)) { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(20))
            return try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        let response = try await client.execute(.get, "/a")
                        #expect(response.text == "v1")
                        return response.headerFields[.cacheStatus]
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1 ?? "none", default: 0] += 1 }
            }
        }
        #expect(origin.requests.count == 2)
        #expect(
            statuses == [
                "parapet; fwd=stale; fwd-status=304; ttl=9": 1, "parapet; hit; collapsed; ttl=9": 99,
            ])
    }
}
