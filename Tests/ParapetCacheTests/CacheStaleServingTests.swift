import HTTPTypes
import NIOCore
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetCache

@Suite("Cache: serving stale")
struct CacheStaleServingTests {
    struct Unreachable: Error {}

    @Test func withinStaleWhileRevalidateTheStaleResponseIsServedAndRevalidatedOnceInTheBackground() async throws {
        let test = ChainTest()
        let clock = test.runtime.clock
        let origin = Origin { request, count in
            if count > 1 {
                // A slow origin: both stale requests below are answered before it answers.
                try await clock.sleep(for: .seconds(2))
                #expect(request.headerFields[.ifNoneMatch] == "\"v1\"")
                return Response(status: .notModified, headerFields: [.eTag: "\"v1\"", .cacheControl: "max-age=10"])
            }
            return Response(
                status: .ok, headerFields: [.eTag: "\"v1\"", .cacheControl: "max-age=10, stale-while-revalidate=30"],
                body: HTTPBody(string: "v1"))
        }
        try await test.run(cached(origin)) { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(15))
            for _ in 0..<2 {
                let stale = try await client.execute(.get, "/a")
                #expect(stale.text == "v1")
                #expect(stale.headerFields[.cacheStatus] == "parapet; hit; ttl=-5; detail=stale-while-revalidate")
            }
            try await client.sleep(for: .seconds(3))
            // Refreshed at 17 s by a 304 that took 2 s (the response delay counts towards its age): 3 s old.
            let refreshed = try await client.execute(.get, "/a")
            #expect(refreshed.headerFields[.cacheStatus] == "parapet; hit; ttl=7")
        }
        #expect(origin.requests.count == 2)
    }

    @Test func pastTheWindowTheCacheValidatesBeforeAnswering() async throws {
        let origin = Origin([.cacheControl: "max-age=10, stale-while-revalidate=5"])
        let byDefault = Origin([.cacheControl: "max-age=10"])
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(16))
            let response = try await client.execute(.get, "/a")
            #expect(response.headerFields[.cacheStatus] == "parapet; fwd=stale; fwd-status=200; stored; ttl=10")
        }
        // The option gives responses without the directive a window.
        try await cached(byDefault, options: Cache.Options(staleWhileRevalidate: .seconds(60))).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(16))
            let response = try await client.execute(.get, "/a")
            #expect(response.headerFields[.cacheStatus] == "parapet; hit; ttl=-6; detail=stale-while-revalidate")
        }
    }

    /// An origin that answers `200` with `cacheControl` first, then fails with `failure`.
    func failingOrigin(_ cacheControl: String, failure: HTTPResponse.Status?) -> Origin {
        Origin { _, count in
            guard count > 1 else {
                return Response(status: .ok, headerFields: [.cacheControl: cacheControl], body: HTTPBody(string: "v1"))
            }
            guard let failure else { throw Unreachable() }
            return Response.error(failure)
        }
    }

    @Test func withinStaleIfErrorAnOriginErrorIsReplacedByTheStaleResponse() async throws {
        let origin = failingOrigin("max-age=10, stale-if-error=60", failure: .serviceUnavailable)
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(15))
            let stale = try await client.execute(.get, "/a")
            #expect(stale.status == .ok)
            #expect(stale.text == "v1")
            #expect(stale.headerFields[.cacheStatus] == "parapet; fwd=stale; fwd-status=503; ttl=-5; detail=stale-if-error")
            try await client.sleep(for: .seconds(60))
            let tooStale = try await client.execute(.get, "/a")
            #expect(tooStale.status == .serviceUnavailable)
        }
    }

    @Test func aRequestsOwnStaleIfErrorAcceptsTheStaleResponseOverAnError() async throws {
        let origin = failingOrigin("max-age=10", failure: .serviceUnavailable)
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(15))
            #expect(try await client.execute(.get, "/a").status == .serviceUnavailable)
            let accepting: HTTPFields = [.cacheControl: "stale-if-error=10"]
            let stale = try await client.execute(.get, "/a", headers: accepting)
            #expect(stale.text == "v1")
            #expect(stale.headerFields[.cacheStatus] == "parapet; fwd=stale; fwd-status=503; ttl=-5; detail=stale-if-error")
            try await client.sleep(for: .seconds(6))
            #expect(try await client.execute(.get, "/a", headers: accepting).status == .serviceUnavailable)
        }
        // A response that forbids serving stale is not served stale for any client.
        let strict = failingOrigin("max-age=10, must-revalidate", failure: .serviceUnavailable)
        try await cached(strict).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(15))
            let answer = try await client.execute(.get, "/a", headers: [.cacheControl: "stale-if-error=600"])
            #expect(answer.status == .serviceUnavailable)
        }
    }

    @Test func anUnreachableOriginIsCoveredByDefault() async throws {
        for failure in [HTTPResponse.Status.badGateway, .gatewayTimeout, nil] {
            let origin = failingOrigin("max-age=10", failure: failure)
            try await cached(origin).test { client in
                _ = try await client.execute(.get, "/a")
                try await client.sleep(for: .seconds(1_800))
                let stale = try await client.execute(.get, "/a")
                #expect(stale.status == .ok, "\(String(describing: failure))")
                #expect(stale.headerFields[.cacheStatus]?.hasSuffix("ttl=-1790; detail=origin-unreachable") == true)
            }
        }
        // A 503 is the origin speaking: it is passed on unless stale-if-error allows otherwise.
        let unavailable = failingOrigin("max-age=10", failure: .serviceUnavailable)
        try await cached(unavailable).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(20))
            #expect(try await client.execute(.get, "/a").status == .serviceUnavailable)
        }
    }

    @Test func nothingStaleIsServedWhenTheResponseOrTheClientForbidsIt() async throws {
        for cacheControl in ["max-age=10, must-revalidate", "max-age=10, proxy-revalidate", "s-maxage=10",
            "max-age=10, no-cache"]
        {
            let origin = failingOrigin(cacheControl + ", stale-if-error=60", failure: .badGateway)
            try await cached(origin).test { client in
                _ = try await client.execute(.get, "/a")
                try await client.sleep(for: .seconds(15))
                #expect(try await client.execute(.get, "/a").status == .badGateway, "\(cacheControl)")
            }
        }
        let origin = failingOrigin("max-age=10", failure: nil)
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(15))
            await #expect(throws: Unreachable.self) {
                try await client.execute(.get, "/a", headers: [.cacheControl: "no-cache"])
            }
        }
    }
}
