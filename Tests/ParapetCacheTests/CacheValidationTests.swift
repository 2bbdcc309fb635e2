import HTTPTypes
import NIOCore
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetCache

@Suite("Cache: validation and conditional requests")
struct CacheValidationTests {
    /// An origin whose first answer is `200` with `ETag: "v1"` and whose later answers are `304` when
    /// asked with that tag, updating `X-Version` and sending a misleading `Content-Length`.
    func validatingOrigin() -> Origin {
        Origin { request, count in
            if count > 1, request.headerFields[.ifNoneMatch] == "\"v1\"" {
                return Response(status: .notModified, headerFields: [
                    .eTag: "\"v1\"", .cacheControl: "max-age=10", HTTPField.Name("X-Version")!: "\(count)",
                    .contentLength: "0",
                ])
            }
            return Response(
                status: .ok,
                headerFields: [
                    .eTag: "\"v1\"", .cacheControl: "max-age=10", HTTPField.Name("X-Version")!: "1",
                    HTTPField.Name("X-Kept")!: "yes",
                ],
                body: HTTPBody(string: "hello"))
        }
    }

    @Test func aStaleResponseIsRevalidatedAndA304RefreshesItsFields() async throws {
        let origin = validatingOrigin()
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(20))
            let validated = try await client.execute(.get, "/a")
            #expect(validated.status == .ok)
            #expect(validated.text == "hello")
            #expect(validated.headerFields[HTTPField.Name("X-Version")!] == "2")
            #expect(validated.headerFields[HTTPField.Name("X-Kept")!] == "yes")
            #expect(validated.headerFields[.contentLength] == "5")
            #expect(validated.headerFields[.cacheStatus] == "parapet; fwd=stale; fwd-status=304; ttl=10")
            // Refreshed: fresh again for 10 s.
            try await client.sleep(for: .seconds(5))
            let hit = try await client.execute(.get, "/a")
            #expect(hit.headerFields[.cacheStatus] == "parapet; hit; ttl=5")
            #expect(hit.headerFields[.age] == "5")
        }
        #expect(origin.requests.count == 2)
        #expect(origin.requests[1].headerFields[.ifNoneMatch] == "\"v1\"")
    }

    @Test func theClientsConditionsAreAnsweredFromTheCache() async throws {
        let origin = Origin(
            [.eTag: "\"v1\"", .lastModified: "Sun, 06 Nov 1994 08:49:37 GMT", .cacheControl: "max-age=60"])
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            let weak = try await client.execute(.get, "/a", headers: [.ifNoneMatch: "\"x\", W/\"v1\""])
            #expect(weak.status == .notModified)
            #expect(weak.body.readableBytes == 0)
            #expect(weak.headerFields[.eTag] == "\"v1\"")
            #expect(weak.headerFields[.cacheControl] == "max-age=60")
            #expect(weak.headerFields[.cacheStatus] == "parapet; hit; ttl=60")
            let other = try await client.execute(.get, "/a", headers: [.ifNoneMatch: "\"v2\""])
            #expect(other.status == .ok)
            // If-None-Match takes precedence over If-Modified-Since.
            let both = try await client.execute(
                .get, "/a", headers: [.ifNoneMatch: "\"v2\"", .ifModifiedSince: "Sun, 06 Nov 1994 08:49:37 GMT"])
            #expect(both.status == .ok)
            let since = try await client.execute(
                .get, "/a", headers: [.ifModifiedSince: "Mon, 07 Nov 1994 08:49:37 GMT"])
            #expect(since.status == .notModified)
            let before = try await client.execute(
                .get, "/a", headers: [.ifModifiedSince: "Sat, 05 Nov 1994 08:49:37 GMT"])
            #expect(before.status == .ok)
        }
        #expect(origin.requests.count == 1)
    }

    @Test func aClientConditionOnAStaleEntryIsAnsweredAfterTheCacheValidates() async throws {
        let origin = validatingOrigin()
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(20))
            let response = try await client.execute(.get, "/a", headers: [.ifNoneMatch: "\"v1\""])
            #expect(response.status == .notModified)
            #expect(response.headerFields[.cacheStatus] == "parapet; fwd=stale; fwd-status=304; ttl=10")
        }
        // The cache asked with its own validator, not the client's.
        #expect(origin.requests.count == 2)
        #expect(origin.requests[1].headerFields[.ifNoneMatch] == "\"v1\"")
    }

    @Test func mustRevalidateAndNoCacheAreNeverServedStale() async throws {
        for cacheControl in ["max-age=1, must-revalidate", "max-age=1, proxy-revalidate", "s-maxage=1", "max-age=1, no-cache"] {
            let origin = Origin([.cacheControl: cacheControl])
            try await cached(origin).test { client in
                _ = try await client.execute(.get, "/a")
                try await client.sleep(for: .seconds(5))
                _ = try await client.execute(.get, "/a", headers: [.cacheControl: "max-stale"])
            }
            #expect(origin.requests.count == 2, "\(cacheControl)")
        }
    }

    @Test func aQualifiedNoCacheWithholdsItsFieldsUntilValidated() async throws {
        let origin = Origin([.cacheControl: "max-age=60, no-cache=\"Set-Cookie\"", .setCookie: "id=1"])
        try await cached(origin).test { client in
            let first = try await client.execute(.get, "/a")
            #expect(first.headerFields[.setCookie] == "id=1")
            let hit = try await client.execute(.get, "/a")
            #expect(hit.headerFields[.cacheStatus] == "parapet; hit; ttl=60")
            #expect(hit.headerFields[.setCookie] == nil)
        }
        #expect(origin.requests.count == 1)
    }

    @Test func a304ForAnotherRepresentationDoesNotRefreshTheStoredOne() async throws {
        let origin = Origin { request, count in
            switch count {
            case 1:
                return Response(
                    status: .ok, headerFields: [.eTag: "\"v1\"", .cacheControl: "max-age=10"], body: HTTPBody(string: "one"))
            case 2:
                return Response(status: .notModified, headerFields: [.eTag: "\"v2\"", .cacheControl: "max-age=10"])
            default:
                #expect(request.headerFields[.ifNoneMatch] == nil)
                return Response(
                    status: .ok, headerFields: [.eTag: "\"v2\"", .cacheControl: "max-age=10"], body: HTTPBody(string: "two"))
            }
        }
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(20))
            let response = try await client.execute(.get, "/a")
            #expect(response.text == "two")
            #expect(response.headerFields[.eTag] == "\"v2\"")
        }
        #expect(origin.requests.count == 3)
    }

    @Test func aRangeOnAStaleEntryIsCutFromTheValidatedOne() async throws {
        let origin = Origin { request, count in
            if count > 1 {
                #expect(request.headerFields[.range] == nil)
                #expect(request.headerFields[.ifRange] == nil)
                return Response(status: .notModified, headerFields: [.eTag: "\"v1\"", .cacheControl: "max-age=10"])
            }
            return Response(
                status: .ok, headerFields: [.eTag: "\"v1\"", .cacheControl: "max-age=10"],
                body: HTTPBody(string: "0123456789"))
        }
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(20))
            let part = try await client.execute(.get, "/a", headers: [.range: "bytes=3-4", .ifRange: "\"v1\""])
            #expect(part.status == .partialContent)
            #expect(part.text == "34")
        }
        #expect(origin.requests.count == 2)
    }

    @Test func fieldsA304AddsKeepTheirOrder() async throws {
        let names = (0..<12).map { HTTPField.Name("X-Added-\($0)")! }
        let origin = Origin { _, count in
            guard count > 1 else {
                return Response(status: .ok, headerFields: [.eTag: "\"v1\"", .cacheControl: "max-age=10"])
            }
            var fields: HTTPFields = [.eTag: "\"v1\"", .cacheControl: "max-age=10"]
            for name in names { fields[name] = "1" }
            return Response(status: .notModified, headerFields: fields)
        }
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(20))
            let response = try await client.execute(.get, "/a")
            #expect(response.headerFields.map(\.name).filter(names.contains) == names)
        }
    }

    @Test func aClientRevalidatingItsOwnCopyStillFillsTheCache() async throws {
        let origin = Origin([.eTag: "\"v1\"", .cacheControl: "max-age=60"], body: "whole")
        try await cached(origin).test { client in
            let revalidated = try await client.execute(.get, "/a", headers: [.ifNoneMatch: "\"v1\""])
            #expect(revalidated.status == .notModified)
            #expect(revalidated.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=200; stored; ttl=60")
            let hit = try await client.execute(.get, "/a")
            #expect(hit.text == "whole")
            #expect(hit.headerFields[.cacheStatus] == "parapet; hit; ttl=60")
        }
        #expect(origin.requests.count == 1)
        #expect(origin.requests.first?.headerFields[.ifNoneMatch] == nil)
    }
}
