import HTTPTypes
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetCache

@Suite("Cache: targeted cache-control (CDN-Cache-Control)")
struct TargetedCacheControlTests {
    @Test func structuredDictionariesParseStrictly() {
        let dictionary = StructuredDictionary(lines: ["max-age=60, private", "a=\"x\\\"y\";p=1, b=?0, c=(1 2), d=1.5, e=:aGk=:"])
        #expect(dictionary?.members.map(\.key) == ["max-age", "private", "a", "b", "c", "d", "e"])
        #expect(dictionary?.members.first?.value == .integer(60))
        #expect(dictionary?.members[2].value == .string("x\"y"))
        for invalid in ["max-age=60, &&", "MaX-aGe=60", "a=1,", "a=1 b=2", "a=\"open", "a=1234567890123456", "a=(1 2"] {
            #expect(StructuredDictionary(lines: [invalid]) == nil, "\(invalid)")
        }
        #expect(StructuredDictionary(lines: ["a=1, a=2"])?.members.first?.value == .integer(2))
    }

    @Test func aValidTargetedFieldReplacesCacheControlAndExpires() async throws {
        let cases: [(HTTPFields, Bool)] = [
            ([.cdnCacheControl: "max-age=3600", .cacheControl: "no-store"], true),
            ([.cdnCacheControl: "max-age=1", .cacheControl: "max-age=3600"], false),
            ([.cdnCacheControl: "max-age=0", .expires: "Fri, 01 Jan 2100 00:00:00 GMT"], false),
            ([.cdnCacheControl: "private", .cacheControl: "max-age=3600"], false),
            ([.cdnCacheControl: "no-store", .cacheControl: "max-age=3600"], false),
            // Not a valid dictionary, or max-age of the wrong type: Cache-Control decides.
            ([.cdnCacheControl: "max-age=10000, &&&&&", .cacheControl: "no-store"], false),
            ([.cdnCacheControl: "max-age=\"10000\"", .cacheControl: "no-store"], false),
            ([.cdnCacheControl: "max-age=\"10000\"", .cacheControl: "max-age=3600"], true),
        ]
        for (fields, reused) in cases {
            let origin = Origin(fields)
            try await cached(origin).test { client in
                _ = try await client.execute(.get, "/a")
                try await client.sleep(for: .seconds(2))
                _ = try await client.execute(.get, "/a")
            }
            #expect((origin.requests.count == 1) == reused, "\(fields)")
        }
    }

    @Test func withNoTargetsTheFieldIsIgnored() async throws {
        let origin = Origin([.cdnCacheControl: "no-store", .cacheControl: "max-age=60"])
        try await cached(origin, options: Cache.Options(targetedFields: [])).test { client in
            _ = try await client.execute(.get, "/a")
            _ = try await client.execute(.get, "/a")
        }
        #expect(origin.requests.count == 1)
    }
}
