import HTTPTypes
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetCache

@Suite("Cache: request directives")
struct CacheRequestDirectiveTests {
    @Test func noCacheMaxAgeAndMinFreshSendTheRequestToTheOrigin() async throws {
        let origin = Origin([.cacheControl: "max-age=60"])
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            for directive in ["no-cache", "max-age=10", "min-fresh=40"] {
                try await client.sleep(for: .seconds(30))
                let response = try await client.execute(.get, "/a", headers: [.cacheControl: directive])
                #expect(response.headerFields[.cacheStatus] == "parapet; fwd=request; fwd-status=200; stored; ttl=60")
            }
            let fresh = try await client.execute(.get, "/a", headers: [.cacheControl: "max-age=10, min-fresh=40"])
            // The last forwarded response is stored: 0 s old and fresh for 60 s.
            #expect(fresh.headerFields[.cacheStatus] == "parapet; hit; ttl=60")
        }
        #expect(origin.requests.count == 4)
    }

    @Test func maxStaleAcceptsAStaleResponseWithinItsLimit() async throws {
        let origin = Origin([.cacheControl: "max-age=10"])
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(15))
            let stale = try await client.execute(.get, "/a", headers: [.cacheControl: "max-stale=10"])
            #expect(stale.headerFields[.cacheStatus] == "parapet; hit; ttl=-5")
            #expect(stale.headerFields[.age] == "15")
            let anyStaleness = try await client.execute(.get, "/a", headers: [.cacheControl: "max-stale"])
            #expect(anyStaleness.headerFields[.cacheStatus] == "parapet; hit; ttl=-5")
            let tooStale = try await client.execute(.get, "/a", headers: [.cacheControl: "max-stale=2"])
            #expect(tooStale.headerFields[.cacheStatus]?.hasPrefix("parapet; fwd=stale") == true)
        }
        #expect(origin.requests.count == 2)
    }

    @Test func onlyIfCachedAnswers504WithoutAStoredResponse() async throws {
        let origin = Origin([.cacheControl: "max-age=10"])
        try await cached(origin).test { client in
            let miss = try await client.execute(.get, "/a", headers: [.cacheControl: "only-if-cached"])
            #expect(miss.status == .gatewayTimeout)
            #expect(miss.headerFields[.cacheStatus] == "parapet; detail=only-if-cached")
            _ = try await client.execute(.get, "/a")
            let hit = try await client.execute(.get, "/a", headers: [.cacheControl: "only-if-cached"])
            #expect(hit.status == .ok)
            try await client.sleep(for: .seconds(11))
            let stale = try await client.execute(.get, "/a", headers: [.cacheControl: "only-if-cached"])
            #expect(stale.status == .gatewayTimeout)
        }
        #expect(origin.requests.count == 1)
    }

    @Test func noStoreInTheRequestKeepsTheResponseOut() async throws {
        let origin = Origin([.cacheControl: "max-age=60"])
        try await cached(origin).test { client in
            let first = try await client.execute(.get, "/a", headers: [.cacheControl: "no-store"])
            #expect(first.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=200")
            _ = try await client.execute(.get, "/a")
        }
        #expect(origin.requests.count == 2)
    }

    @Test func aRequestWithAuthorizationIsStoredOnlyWhenTheResponseAllowsIt() async throws {
        for (cacheControl, stored) in [("max-age=60", false), ("max-age=60, public", true), ("s-maxage=60", true)] {
            let origin = Origin([.cacheControl: cacheControl])
            try await cached(origin).test { client in
                _ = try await client.execute(.get, "/a", headers: [.authorization: "Bearer t"])
                _ = try await client.execute(.get, "/a")
            }
            #expect((origin.requests.count == 1) == stored, "\(cacheControl)")
        }
    }
}
