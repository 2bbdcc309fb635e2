import HTTPTypes
import NIOCore
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetCache

/// Options whose override forces `override` on every response.
func forcing(_ override: CacheOverride, maxObjectSize: Int = 8 << 20) -> Cache.Options {
    Cache.Options(maxObjectSize: maxObjectSize, override: { _, _, _ in override })
}

@Suite("Cache: overrides")
struct CacheOverrideTests {
    /// One row of the mode table: an origin response (and request fields), and the freshness, in seconds,
    /// each mode stores it with — `nil` for not stored.
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var status: HTTPResponse.Status = .ok
        var fields: HTTPFields = [:]
        var request: HTTPFields = [:]
        var body = "forced"
        var balanced: Int64?
        var conservative: Int64?
        var aggressive: Int64?

        var testDescription: String { name }

        func stored(by mode: CacheOverride.Mode) -> Int64? {
            switch mode {
            case .balanced: balanced
            case .conservative: conservative
            case .aggressive: aggressive
            }
        }
    }

    static let rows: [Row] = [
        Row(name: "no cache headers", balanced: 60, conservative: 60, aggressive: 60),
        Row(name: "private", fields: [.cacheControl: "private"], aggressive: 60),
        Row(name: "no-store", fields: [.cacheControl: "no-store"], aggressive: 60),
        Row(name: "no-cache", fields: [.cacheControl: "no-cache"], balanced: 60, aggressive: 60),
        Row(name: "max-age=0", fields: [.cacheControl: "max-age=0"], balanced: 60, conservative: 60, aggressive: 60),
        Row(
            name: "Expires in the past", fields: [.expires: "Sun, 06 Nov 1994 08:49:37 GMT"], balanced: 60,
            conservative: 60, aggressive: 60),
        Row(
            name: "max-age=600", fields: [.cacheControl: "max-age=600"], balanced: 60, conservative: 600,
            aggressive: 60),
        Row(
            name: "max-age=100 and Age 100", fields: [.cacheControl: "max-age=100", .age: "100"], balanced: 60,
            conservative: 60, aggressive: 60),
        Row(name: "Authorization without opt-in", request: [.authorization: "Bearer a"], aggressive: 60),
        Row(
            name: "Authorization with public", fields: [.cacheControl: "public"], request: [.authorization: "Bearer a"],
            balanced: 60, conservative: 60, aggressive: 60),
        Row(name: "Set-Cookie", fields: [.setCookie: "session=1"]),
        Row(name: "Vary: *", fields: [.vary: "*"]),
        Row(name: "a status not cacheable by default", status: .found, fields: [.location: "/b"]),
        Row(name: "a body over maxObjectSize", body: String(repeating: "x", count: 200)),
        Row(name: "no-store asked by the request", request: [.cacheControl: "no-store"]),
    ]

    static let modes: [CacheOverride.Mode] = [.balanced, .conservative, .aggressive]

    @Test(arguments: rows, modes)
    func eachModeStoresWhatTheTableSays(row: Row, mode: CacheOverride.Mode) async throws {
        let origin = Origin { _, _ in
            Response(status: row.status, headerFields: row.fields, body: HTTPBody(string: row.body))
        }
        let options = forcing(CacheOverride(ttl: .seconds(60), mode: mode), maxObjectSize: 100)
        try await cached(origin, options: options).test { client in
            let first = try await client.execute(.get, "/a", headers: row.request)
            let stored = row.stored(by: mode).map { "; stored; ttl=\($0)" } ?? ""
            #expect(first.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=\(row.status.code)\(stored)")
            try await client.sleep(for: .seconds(1))
            let second = try await client.execute(.get, "/a", headers: row.request)
            if let ttl = row.stored(by: mode) {
                #expect(second.headerFields[.cacheStatus] == "parapet; hit; ttl=\(ttl - 1)")
                // The forced policy is the cache's own: clients get the origin's fields.
                #expect(second.headerFields[.cacheControl] == row.fields[.cacheControl])
                #expect(second.headerFields[.expires] == row.fields[.expires])
            } else {
                #expect(second.headerFields[.cacheStatus]?.contains("hit") == false)
            }
        }
        #expect(origin.requests.count == (row.stored(by: mode) == nil ? 2 : 1))
    }

    @Test func theForcedLifetimeEndsAtItsExactInstant() async throws {
        let origin = Origin([.contentType: "text/plain"])
        try await cached(origin, options: forcing(CacheOverride(ttl: .seconds(60)))).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .milliseconds(59_999))
            let last = try await client.execute(.get, "/a")
            #expect(last.headerFields[.cacheStatus] == "parapet; hit; ttl=0")
            #expect(last.headerFields[.age] == "59")
            try await client.sleep(for: .milliseconds(1))
            let expired = try await client.execute(.get, "/a")
            #expect(expired.headerFields[.cacheStatus] == "parapet; fwd=stale; fwd-status=200; stored; ttl=60")
        }
        #expect(origin.requests.count == 2)
    }

    @Test func theForcedLifetimeCountsFromArrivalNotFromTheOriginsAge() async throws {
        let origin = Origin([.age: "3000", .cacheControl: "max-age=10"])
        try await cached(origin, options: forcing(CacheOverride(ttl: .seconds(60)))).test { client in
            let first = try await client.execute(.get, "/a")
            #expect(first.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=200; stored; ttl=60")
            try await client.sleep(for: .seconds(30))
            let hit = try await client.execute(.get, "/a")
            #expect(hit.headerFields[.cacheStatus] == "parapet; hit; ttl=30")
            #expect(hit.headerFields[.age] == "3030")
        }
    }

    @Test func nilOrATTLOfZeroOrLessLeavesTheOriginToDecide() async throws {
        for override in [nil, CacheOverride(ttl: .zero), CacheOverride(ttl: .seconds(-5), mode: .aggressive)] {
            let origin = Origin([.cacheControl: "max-age=30"])
            let options = Cache.Options(override: { _, _, _ in override })
            try await cached(origin, options: options).test { client in
                let first = try await client.execute(.get, "/a")
                #expect(first.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=200; stored; ttl=30")
            }
        }
    }

    @Test func theHookSeesTheRequestAndTheOriginsStatusAndFields() async throws {
        let seen = Recorder<String>()
        let origin = Origin { request, _ in
            let type = request.path == "/logo.png" ? "image/png" : "text/html"
            return Response(status: .ok, headerFields: [.contentType: type], body: HTTPBody(string: "x"))
        }
        let options = Cache.Options(override: { request, status, fields in
            seen.append("\(request.path ?? "") \(status.code) \(fields[.contentType] ?? "")")
            return fields[.contentType]?.hasPrefix("image/") == true ? CacheOverride(ttl: .seconds(3_600)) : nil
        })
        try await cached(origin, options: options).test { client in
            let image = try await client.execute(.get, "/logo.png")
            #expect(image.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=200; stored; ttl=3600")
            let page = try await client.execute(.get, "/index.html")
            #expect(page.headerFields[.cacheStatus] == "parapet; fwd=uri-miss; fwd-status=200")
        }
        #expect(seen.elements == ["/logo.png 200 image/png", "/index.html 200 text/html"])
    }

    @Test(arguments: [CacheOverride.Mode.balanced, .aggressive])
    func forcedWindowsOverruleMustRevalidate(mode: CacheOverride.Mode) async throws {
        let test = ChainTest()
        let origin = Origin { _, count in
            guard count > 1 else {
                return Response(
                    status: .ok, headerFields: [.cacheControl: "must-revalidate", .eTag: "\"v1\""],
                    body: HTTPBody(string: "v1"))
            }
            return Response(status: .notModified, headerFields: [.eTag: "\"v1\""])
        }
        let override = CacheOverride(ttl: .seconds(10), staleWhileRevalidate: .seconds(30), mode: mode)
        try await test.run(cached(origin, options: forcing(override))) { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(40))
            let stale = try await client.execute(.get, "/a")
            #expect(stale.headerFields[.cacheStatus] == "parapet; hit; ttl=-30; detail=stale-while-revalidate")
            #expect(stale.headerFields[.cacheControl] == "must-revalidate")
            try await client.sleep(for: .seconds(1))
            // The background revalidation's 304 kept the forced lifetime.
            let refreshed = try await client.execute(.get, "/a")
            #expect(refreshed.headerFields[.cacheStatus] == "parapet; hit; ttl=9")
        }
        #expect(origin.requests.count == 2)
    }

    @Test func conservativeHonoursMustRevalidateAndOnlyFillsMissingWindows() async throws {
        let strict = Origin([.cacheControl: "max-age=10, must-revalidate"])
        let override = CacheOverride(
            ttl: .seconds(60), staleWhileRevalidate: .seconds(30), staleIfError: .seconds(100), mode: .conservative)
        try await cached(strict, options: forcing(override)).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(15))
            let validated = try await client.execute(.get, "/a")
            #expect(validated.headerFields[.cacheStatus] == "parapet; fwd=stale; fwd-status=200; stored; ttl=10")
        }
        // The origin's own window wins; the forced one fills the window it left out.
        let policy = try #require(
            StoredPolicy(
                forcing: override, status: .ok, fields: [.cacheControl: "max-age=10, stale-while-revalidate=5"],
                control: CacheControl(lines: ["max-age=10, stale-while-revalidate=5"]), requestFields: [:],
                requestControl: CacheControl(lines: []), originLifetime: .seconds(10), initialAge: .zero))
        #expect(policy.lifetime == .seconds(10))
        #expect(policy.control.seconds("stale-while-revalidate") == .valid(5))
        #expect(policy.control.seconds("stale-if-error") == .valid(100))
    }

    @Test func aForcedStaleIfErrorServesTheStoredResponseWhenTheOriginFails() async throws {
        let origin = Origin { _, count in
            guard count > 1 else { return Response(status: .ok, headerFields: [:], body: HTTPBody(string: "v1")) }
            return Response.error(.serviceUnavailable)
        }
        let override = CacheOverride(ttl: .seconds(10), staleIfError: .seconds(60))
        try await cached(origin, options: forcing(override)).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(70))
            let stale = try await client.execute(.get, "/a")
            #expect(stale.text == "v1")
            #expect(
                stale.headerFields[.cacheStatus] == "parapet; fwd=stale; fwd-status=503; ttl=-60; detail=stale-if-error"
            )
            try await client.sleep(for: .seconds(1))
            let failed = try await client.execute(.get, "/a")
            #expect(failed.status == .serviceUnavailable)
        }
    }

    @Test func aNotModifiedRefreshKeepsTheForcedPolicy() async throws {
        let origin = Origin { _, count in
            guard count > 1 else {
                return Response(status: .ok, headerFields: [.eTag: "\"v1\""], body: HTTPBody(string: "v1"))
            }
            return Response(status: .notModified, headerFields: [.eTag: "\"v1\""])
        }
        let override = CacheOverride(ttl: .seconds(10), staleWhileRevalidate: .seconds(5))
        try await cached(origin, options: forcing(override)).test { client in
            _ = try await client.execute(.get, "/a")
            try await client.sleep(for: .seconds(20))
            let validated = try await client.execute(.get, "/a")
            #expect(validated.headerFields[.cacheStatus] == "parapet; fwd=stale; fwd-status=304; ttl=10")
            try await client.sleep(for: .seconds(12))
            // Fresh for the forced 10 s again, and within the forced window after.
            let stale = try await client.execute(.get, "/a")
            #expect(stale.headerFields[.cacheStatus] == "parapet; hit; ttl=-2; detail=stale-while-revalidate")
        }
    }

    @Test func windowsAreWholeSecondsRoundedUpAndNegativeOnesAreNone() throws {
        let policy = try #require(
            StoredPolicy(
                forcing: CacheOverride(
                    ttl: .seconds(1), staleWhileRevalidate: .milliseconds(1_500), staleIfError: .seconds(-3)),
                status: .ok, fields: [:], control: CacheControl(lines: ["must-revalidate, public"]),
                requestFields: [:], requestControl: CacheControl(lines: []), originLifetime: .zero,
                initialAge: .seconds(2)))
        #expect(policy.control == CacheControl(lines: ["public, stale-while-revalidate=2"]))
        #expect(policy.lifetime == .seconds(3))
    }
}
