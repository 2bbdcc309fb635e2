import HTTPTypes
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetCache

/// A cache with a fresh memory store in front of `origin`.
func cached(_ origin: Origin, options: Cache.Options = .init()) -> Middlewares {
    Middlewares([Cache(store: MemoryCacheStore(byteBudget: 1 << 20), options: options), origin.endpoint])
}

@Suite("Cache: freshness and age")
struct CacheFreshnessTests {
    @Test func aFreshResponseIsServedFromTheCacheWithItsAge() async throws {
        let origin = Origin([.cacheControl: "max-age=60", .contentType: "text/plain"], body: "v1")
        try await cached(origin).test { client in
            let miss = try await client.execute(.get, "/a")
            #expect(miss.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=200; stored; ttl=60")
            try await client.sleep(for: .seconds(10))
            let hit = try await client.execute(.get, "/a")
            #expect(hit.status == .ok)
            #expect(hit.text == "v1")
            #expect(hit.headerFields[.age] == "10")
            #expect(hit.headerFields[.cacheStatus] == "parapet; hit; ttl=50")
            #expect(hit.headerFields[.contentType] == "text/plain")
        }
        #expect(origin.requests.count == 1)
    }

    @Test func aResponseIsNotReusedOnceStale() async throws {
        let origin = Origin([.cacheControl: "max-age=5"])
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(6))
            let again = try await client.execute(.get, "/a")
            #expect(again.headerFields[.cacheStatus] == "parapet; fwd=stale; fwd-status=200; stored; ttl=5")
        }
        #expect(origin.requests.count == 2)
    }

    @Test func sMaxAgeWinsOverMaxAgeAndAnAgeFieldCounts() async throws {
        let origin = Origin([.cacheControl: "max-age=3600", .age: "30, 7200"])
        let shared = Origin { _, _ in
            Response(status: .ok, headerFields: [.cacheControl: "max-age=3600", .cacheControl: "s-maxage=1"])
        }
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            let hit = try await client.execute(.get, "/a")
            #expect(hit.headerFields[.age] == "30")
        }
        try await cached(shared).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(2))
            _ = try await client.execute(.get, "/a")
        }
        #expect(origin.requests.count == 1)
        #expect(shared.requests.count == 2)
    }

    @Test(arguments: [
        "max-age=0", "max-age=-1", "max-age='3600'", "max-age=3600.5", "no-store, max-age=3600",
        "private, max-age=3600", "no-cache, max-age=3600", "extension=\"max-age=3600\", max-age=0",
    ])
    func aResponseThatMayNotBeReusedGoesToTheOrigin(cacheControl: String) async throws {
        let origin = Origin([.cacheControl: cacheControl])
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            _ = try await client.execute(.get, "/a")
        }
        #expect(origin.requests.count == 2, "\(cacheControl)")
    }

    @Test(arguments: ["0", "Sun, 06 Nov 94 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "yesterday"])
    func anInvalidExpiresMeansStale(expires: String) async throws {
        let origin = Origin([.expires: expires])
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            _ = try await client.execute(.get, "/a")
        }
        #expect(origin.requests.count == 2)
    }

    @Test func expiresIsMeasuredFromDateAndADateInThePastAddsAge() async throws {
        let test = ChainTest()
        let wallClock = test.runtime.wallClock
        // Date is 50 s behind the cache's clock: the response arrives 50 s old (apparent age) with
        // Expires − Date = 100 s of freshness.
        let origin = Origin { _, _ in
            let now = wallClock.now
            return Response(status: .ok, headerFields: [
                .date: now.advanced(by: .seconds(-50)).httpDate, .expires: now.advanced(by: .seconds(50)).httpDate,
            ])
        }
        try await test.run(cached(origin)) { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(40))
            let hit = try await client.execute(.get, "/a")
            #expect(hit.headerFields[.age] == "90")
            #expect(hit.headerFields[.cacheStatus] == "parapet; hit; ttl=10")
            try await client.sleep(for: .seconds(11))
            _ = try await client.execute(.get, "/a")
        }
        #expect(origin.requests.count == 2)
    }

    @Test func heuristicFreshnessOnlyForStatusesCacheableByDefault() async throws {
        for (status, reused) in [(200, true), (404, true), (201, false), (403, false), (502, false)] {
            let origin = Origin { _, _ in
                Response(status: HTTPResponse.Status(code: status), headerFields: [
                    .lastModified: "Sun, 06 Nov 1994 08:49:37 GMT"
                ])
            }
            try await cached(origin).test { client in
                _ = try await client.execute(.get, "/a")
                try await client.sleep(for: .seconds(30))
                _ = try await client.execute(.get, "/a")
            }
            #expect((origin.requests.count == 1) == reused, "status \(status)")
        }
    }

    @Test func aResponseWithoutFreshnessOrValidatorIsNotStored() async throws {
        let origin = Origin([:])
        try await cached(origin).test { client in
            let first = try await client.execute(.get, "/a")
            #expect(first.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=200")
            _ = try await client.execute(.get, "/a")
        }
        #expect(origin.requests.count == 2)
    }
}
