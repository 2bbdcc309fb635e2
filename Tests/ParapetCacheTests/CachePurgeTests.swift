import HTTPTypes
import NIOCore
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetCache

/// A cache over `store` obeying `purges`, in front of `origin`.
func purgeable(_ origin: Origin, store: MemoryCacheStore, purges: PurgeTable) -> Middlewares {
    Middlewares([Cache(store: store, options: .init(purges: purges)), origin.endpoint])
}

@Suite("Cache: purges")
struct CachePurgeTests {
    /// An origin whose every response is fresh for a minute and carries the tag named by the path's
    /// last segment, and says which request it answered.
    static func taggingOrigin() -> Origin {
        Origin { request, count in
            let tag = request.path?.split(separator: "/").last.map(String.init) ?? "root"
            return Response(
                status: .ok, headerFields: [.cacheControl: "max-age=60", .cacheTag: tag],
                body: HTTPBody(string: "answer \(count)"))
        }
    }

    static let urls = [
        ("example.com", "/blog/post"), ("example.com", "/blogger"), ("example.com", "/blog?page=2"),
        ("other.example", "/blog/post"), ("example.com", "/shop/item"),
    ]

    @Test(arguments: [
        (PurgeScope.url(host: "EXAMPLE.com:8080", pathAndQuery: "/blog/post"), [true, false, false, false, false]),
        (.url(host: "example.com", pathAndQuery: "/blog?page=2"), [false, false, true, false, false]),
        (.host("example.com"), [true, true, true, false, true]),
        (.prefix(host: "example.com", path: "/blog/"), [true, false, true, false, false]),
        (.tag("post"), [true, false, false, true, false]),
        (.all, [true, true, true, true, true]),
    ])
    func aPurgedResponseIsNeverServedAgain(scope: PurgeScope, purged: [Bool]) async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        let store = MemoryCacheStore(byteBudget: 1 << 20)
        try await test.run(purgeable(Self.taggingOrigin(), store: store, purges: purges)) { client in
            var first: [String] = []
            for (host, path) in Self.urls {
                first.append(try await client.execute(.get, path, host: host).text)
            }
            try await client.sleep(for: .seconds(1))
            purges.purge(scope)
            // At the purge's own instant: what it covers goes to the origin, the rest is served.
            for ((host, path), (isPurged, before)) in zip(Self.urls, zip(purged, first)) {
                let response = try await client.execute(.get, path, host: host)
                let status = response.headerFields[.cacheStatus] ?? ""
                #expect(status.contains("hit") == !isPurged, "\(host)\(path): \(status)")
                #expect((response.text == before) == !isPurged, "\(host)\(path)")
            }
        }
    }

    @Test func aPurgedResponseIsRemovedFromTheStoreWhenALookupFindsIt() async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        let store = MemoryCacheStore(byteBudget: 1 << 20)
        let origin = Self.taggingOrigin()
        try await test.run(purgeable(origin, store: store, purges: purges)) { client in
            _ = try await client.execute(.get, "/a", headers: [.accept: "text/html"])
            _ = try await client.execute(.get, "/b")
            #expect(store.count == 2)
            try await client.sleep(for: .seconds(1))
            purges.purge(.url(host: "example.com", pathAndQuery: "/a"))
            // HEAD and every variant: one purge of the URL covers them all.
            let head = try await client.execute(.head, "/a", headers: [.accept: "image/png"])
            #expect(head.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=200")
            #expect(store.count == 1)
            try await client.sleep(for: .seconds(1))
            let again = try await client.execute(.get, "/a")
            #expect(again.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=200; stored; ttl=60")
            try await client.sleep(for: .seconds(1))
            #expect(try await client.execute(.get, "/a").headerFields[.cacheStatus] == "parapet; hit; ttl=59")
        }
        #expect(origin.requests.count == 4)
    }

    @Test func aResponseArrivingAtThePurgesInstantCountsAsPurged() async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        let origin = Self.taggingOrigin()
        try await test.run(purgeable(origin, store: MemoryCacheStore(byteBudget: 1 << 20), purges: purges)) { client in
            purges.purge(.all)
            _ = try await client.execute(.get, "/a")
            let again = try await client.execute(.get, "/a")
            #expect(again.text == "answer 2")
        }
    }

    @Test func aFillInFlightWhenAPurgeLandsIsNotStored() async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        let store = MemoryCacheStore(byteBudget: 1 << 20)
        let clock = test.runtime.clock
        let origin = Origin { _, count in
            let parts = ["answer \(count) ", "in ", "parts"]
            let body = SlowChunks(clock: clock, parts: parts, delay: .milliseconds(100))
            return Response(
                status: .ok, headerFields: [.cacheControl: "max-age=60"],
                body: HTTPBody(stream: body, length: parts.map(\.utf8.count).reduce(0, +)))
        }
        try await test.run(purgeable(origin, store: store, purges: purges)) { client in
            async let leader = client.execute(.get, "/a")
            try await client.sleep(for: .milliseconds(150))
            purges.purge(.prefix(host: "example.com", path: "/"))
            // A request arriving after the purge does not read along with the fill it overtook.
            try await client.sleep(for: .milliseconds(1))
            let follower = try await client.execute(.get, "/a")
            #expect(follower.text == "answer 2 in parts")
            #expect(try await leader.text == "answer 1 in parts")
            try await client.sleep(for: .seconds(1))
            let hit = try await client.execute(.get, "/a")
            #expect(hit.text == "answer 2 in parts")
            #expect(hit.headerFields[.cacheStatus]?.hasPrefix("parapet; hit") == true)
        }
        #expect(origin.requests.count == 2)
    }

    @Test func aResponseTheOriginWasStillMakingWhenAPurgeLandedIsNotStored() async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        let clock = test.runtime.clock
        // The origin takes a second to answer: what it answers may come from what the purge replaced.
        let origin = Origin { _, count in
            if count == 1 { try await clock.sleep(for: .seconds(1)) }
            return Response(
                status: .ok, headerFields: [.cacheControl: "max-age=60"], body: HTTPBody(string: "answer \(count)"))
        }
        let store = MemoryCacheStore(byteBudget: 1 << 20)
        try await test.run(purgeable(origin, store: store, purges: purges)) { client in
            async let asked = client.execute(.get, "/a")
            try await client.sleep(for: .milliseconds(500))
            purges.purge(.url(host: "example.com", pathAndQuery: "/a"))
            #expect(try await asked.text == "answer 1")
            let next = try await client.execute(.get, "/a")
            #expect(next.text == "answer 2")
            #expect(next.headerFields[.cacheStatus]?.hasPrefix("parapet; fwd=uri-miss") == true)
        }
        #expect(origin.requests.count == 2)
    }

    @Test func aStaleResponsePurgedWhileItIsRevalidatedIsNotRefreshedByThe304() async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        let clock = test.runtime.clock
        let origin = Origin { request, count in
            if request.headerFields[.ifNoneMatch] != nil {
                try await clock.sleep(for: .milliseconds(100))
                return Response(status: .notModified, headerFields: [.cacheControl: "max-age=60", .eTag: "\"v\""])
            }
            return Response(
                status: .ok, headerFields: [.cacheControl: "max-age=1", .eTag: "\"v\""],
                body: HTTPBody(string: "answer \(count)"))
        }
        try await test.run(purgeable(origin, store: MemoryCacheStore(byteBudget: 1 << 20), purges: purges)) { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(2))
            async let revalidated = client.execute(.get, "/a")
            try await client.sleep(for: .milliseconds(50))
            purges.purge(.host("example.com"))
            #expect(try await revalidated.text == "answer 3")
        }
        #expect(origin.requests.map(\.headerFields[.ifNoneMatch]) == [nil, "\"v\"", nil])
    }

    @Test func aSuspendedTableServesNothingStoredButKeepsIt() async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        let store = MemoryCacheStore(byteBudget: 1 << 20)
        let origin = Self.taggingOrigin()
        try await test.run(purgeable(origin, store: store, purges: purges)) { client in
            _ = try await client.execute(.get, "/a")
            purges.suspend()
            #expect(purges.isSuspended)
            let whileSuspended = try await client.execute(.get, "/b")
            #expect(
                whileSuspended.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=200; stored; ttl=60")
            #expect(try await client.execute(.get, "/a").text == "answer 3")
            #expect(store.count == 2)
            purges.resume()
            try await client.sleep(for: .seconds(1))
            #expect(try await client.execute(.get, "/a").text == "answer 3")
            #expect(try await client.execute(.get, "/b").text == "answer 2")
        }
        #expect(origin.requests.count == 3)
    }

    @Test func aTableNeverPurgedCostsNothingAndSaysSo() {
        let purges = PurgeTable(wallClock: StoppedClock(now: WallInstant(secondsSinceEpoch: 1)))
        #expect(purges.invalidatedAfter(key: "http://example.com/", tags: ["t"]) == nil)
        #expect(purges.statistics == .init(hostRecords: 0, urlRecords: 0, prefixRecords: 0, tagRecords: 0, folds: 0))
        #expect(purges.purge(.url(host: "example.com", pathAndQuery: "/")) == WallInstant(secondsSinceEpoch: 1))
        #expect(purges.statistics.urlRecords == 1)
    }

    @Test func aRestoredSnapshotPurgesInAFreshTable() {
        let clock = StoppedClock(now: WallInstant(secondsSinceEpoch: 100))
        let before = PurgeTable(wallClock: clock)
        before.purge(.tag("t"))
        let after = PurgeTable(wallClock: clock)
        after.restore(before.snapshot())
        #expect(after.invalidatedAfter(key: "http://a.example/", tags: ["t"]) == WallInstant(secondsSinceEpoch: 100))
        #expect(after.snapshot() == before.snapshot())
    }
}

/// A wall clock stopped at one instant.
struct StoppedClock: WallClock {
    let now: WallInstant
}
