import HTTPTypes
import NIOCore
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetCache

@Suite("Cache: Vary, HEAD, invalidation and keys")
struct CacheVariantTests {
    /// An origin varying on `Accept-Language`, echoing it in the body.
    func languageOrigin(vary: String = "Accept-Language") -> Origin {
        Origin { request, _ in
            Response(
                status: .ok, headerFields: [.cacheControl: "max-age=60", .vary: vary],
                body: HTTPBody(string: request.headerFields[.acceptLanguage] ?? "none"))
        }
    }

    @Test func eachVariantIsStoredAndSelectedByTheRequestsFields() async throws {
        let origin = languageOrigin()
        try await cached(origin).test { client in
            let english = try await client.execute(.get, "/a", headers: [.acceptLanguage: "en"])
            #expect(english.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=200; stored; ttl=60")
            let thai = try await client.execute(.get, "/a", headers: [.acceptLanguage: "th"])
            #expect(thai.headerFields[.cacheStatus] == "parapet; fwd=vary-miss; fwd-status=200; stored; ttl=60")
            let none = try await client.execute(.get, "/a")
            #expect(none.text == "none")
            for (language, body) in [("en", "en"), ("th", "th"), (nil, "none")] {
                let headers: HTTPFields = language.map { [.acceptLanguage: $0] } ?? [:]
                let hit = try await client.execute(.get, "/a", headers: headers)
                #expect(hit.text == body)
                #expect(hit.headerFields[.cacheStatus] == "parapet; hit; ttl=60")
            }
        }
        #expect(origin.requests.count == 3)
    }

    @Test func valuesAreComparedWithoutWhitespaceAroundMembers() async throws {
        let origin = languageOrigin()
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a", headers: [.acceptLanguage: "en,th"])
            let spaced = try await client.execute(.get, "/a", headers: [.acceptLanguage: "en ,  th"])
            #expect(spaced.headerFields[.cacheStatus] == "parapet; hit; ttl=60")
        }
        #expect(origin.requests.count == 1)
    }

    @Test(arguments: ["*", "*, *", ", *", "Accept-Language, *"])
    func varyStarIsNeverMatched(vary: String) async throws {
        let origin = languageOrigin(vary: vary)
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            _ = try await client.execute(.get, "/a")
        }
        #expect(origin.requests.count == 2)
    }

    @Test func headIsAnsweredFromAStoredGet() async throws {
        let origin = Origin([.cacheControl: "max-age=60"], body: "twelve bytes")
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            let head = try await client.execute(.head, "/a")
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headerFields[.contentLength] == "12")
            #expect(head.headerFields[.cacheStatus] == "parapet; hit; ttl=60")
        }
        #expect(origin.requests.count == 1)
    }

    @Test func aSuccessfulUnsafeRequestInvalidatesItsURLAndSameOriginLocations() async throws {
        let origin = Origin { request, _ in
            switch request.method {
            case .post where request.path == "/fail":
                return Response(status: .internalServerError)
            case .post:
                return Response(status: .created, headerFields: [
                    .location: "/b", .contentLocation: "http://other.example/c",
                ])
            default:
                return Response(status: .ok, headerFields: [.cacheControl: "max-age=60"])
            }
        }
        try await cached(origin).test { client in
            for path in ["/a", "/b", "/c", "/fail"] { _ = try await client.execute(.get, path) }
            let failed = try await client.execute(.post, "/fail")
            #expect(failed.headerFields[.cacheStatus] == "parapet; fwd=method; fwd-status=500")
            _ = try await client.execute(.post, "/a")
            for (path, hit) in [("/a", false), ("/b", false), ("/c", true), ("/fail", true)] {
                let response = try await client.execute(.get, path)
                #expect((response.headerFields[.cacheStatus] == "parapet; hit; ttl=60") == hit, "\(path)")
            }
        }
    }

    @Test func differentQueriesAndHostsAreDifferentKeys() async throws {
        let origin = Origin([.cacheControl: "max-age=60"])
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a?x=1")
            _ = try await client.execute(.get, "/a?x=2")
            _ = try await client.execute(.get, "/a?x=1", host: "other.example")
            _ = try await client.execute(.get, "/a?x=1", host: "EXAMPLE.com")
        }
        #expect(origin.requests.count == 3)
    }

    @Test func anAuthorityThatIsNoHostIsNotCached() async throws {
        let origin = Origin([.cacheControl: "max-age=60"])
        try await cached(origin).test { client in
            // Were it keyed, `example.com/evil` + `/x` would share the key of `example.com` + `/evil/x`.
            let odd = try await client.execute(.get, "/x", host: "example.com/evil")
            #expect(odd.headerFields[.cacheStatus] == "parapet; fwd=bypass; fwd-status=200")
            let plain = try await client.execute(.get, "/evil/x")
            #expect(plain.headerFields[.cacheStatus]?.hasPrefix("parapet; fwd=uri-miss") == true)
        }
    }

    @Test func theCacheableHookBypassesTheCache() async throws {
        let origin = Origin([.cacheControl: "max-age=60"])
        let options = Cache.Options(xCache: true, cacheable: { $0.path?.hasPrefix("/private") != true })
        try await cached(origin, options: options).test { client in
            _ = try await client.execute(.get, "/private/a")
            let bypassed = try await client.execute(.get, "/private/a")
            #expect(bypassed.headerFields[.cacheStatus] == "parapet; fwd=bypass; fwd-status=200")
            _ = try await client.execute(.get, "/public")
            let hit = try await client.execute(.get, "/public")
            #expect(hit.headerFields[.xCache] == "HIT")
        }
        #expect(origin.requests.count == 3)
    }
}

@Suite("Cache: ranges from a stored response")
struct CacheRangeTests {
    @Test func aRangeIsCutFromTheStoredBody() async throws {
        let origin = Origin([.cacheControl: "max-age=60", .eTag: "\"v1\""], body: "0123456789")
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            let part = try await client.execute(.get, "/a", headers: [.range: "bytes=2-5"])
            #expect(part.status == .partialContent)
            #expect(part.text == "2345")
            #expect(part.headerFields[.contentRange] == "bytes 2-5/10")
            #expect(part.headerFields[.contentLength] == "4")
            let suffix = try await client.execute(.get, "/a", headers: [.range: "bytes=-3"])
            #expect(suffix.text == "789")
            let open = try await client.execute(.get, "/a", headers: [.range: "bytes=7-"])
            #expect(open.text == "789")
            let beyond = try await client.execute(.get, "/a", headers: [.range: "bytes=10-"])
            #expect(beyond.status == .rangeNotSatisfiable)
            #expect(beyond.headerFields[.contentRange] == "bytes */10")
            let several = try await client.execute(.get, "/a", headers: [.range: "bytes=0-1,4-5"])
            #expect(several.status == .ok)
            #expect(several.text == "0123456789")
        }
        #expect(origin.requests.count == 1)
    }

    @Test func ifRangeNeedsTheStrongTag() async throws {
        let origin = Origin(
            [.cacheControl: "max-age=60", .eTag: "\"v1\"", .lastModified: "Sun, 06 Nov 1994 08:49:37 GMT"],
            body: "0123456789")
        try await cached(origin).test { client in
            _ = try await client.execute(.get, "/a")
            for ifRange in ["\"v1\"", "Sun, 06 Nov 1994 08:49:37 GMT"] {
                let same = try await client.execute(.get, "/a", headers: [.range: "bytes=0-0", .ifRange: ifRange])
                #expect(same.status == .partialContent, "\(ifRange)")
            }
            for ifRange in ["\"v2\"", "W/\"v1\"", "Sun, 06 Nov 1994 08:49:38 GMT"] {
                let whole = try await client.execute(.get, "/a", headers: [.range: "bytes=0-0", .ifRange: ifRange])
                #expect(whole.status == .ok, "\(ifRange)")
                #expect(whole.body.readableBytes == 10)
            }
        }
    }
}

@Suite("Surrogate keys")
struct SurrogateKeyTests {
    @Test func cacheTagIsCommaSeparatedAndSurrogateKeySpaceSeparatedWithoutRepeats() {
        let fields: HTTPFields = [
            .cacheTag: " product-42, home ,,product-42", .surrogateKey: "home  sale\tnews", .cacheTag: "news",
        ]
        #expect(SurrogateKeys.of(fields) == ["product-42", "home", "news", "sale"])
    }

    @Test func tooManyOrTooLongTagsAreSkippedNotCut() {
        let long = String(repeating: "x", count: SurrogateKeys.maxLength + 1)
        let many = (0..<100).map { "t\($0)" }.joined(separator: ",")
        let tags = SurrogateKeys.of([.cacheTag: long + "," + many])
        #expect(tags.count == SurrogateKeys.maxCount)
        #expect(tags.first == "t0")
    }
}
