import HTTPTypes
import ParapetCore
import ParapetSimulation
import Testing

@testable import ParapetRateLimit

@Suite("Keys and scope")
struct KeyingTests {
    static let runtime = Simulation(seed: 1).runtime

    static func clientKey(peer: String?, realIP: String? = nil) -> RateLimitKey? {
        var fields = HTTPFields()
        fields[.xRealIP] = realIP
        return RateLimit.Keying.clientIP.key(for: .test(headers: fields), context: .test(runtime, peer: peer))
    }

    @Test("IPv4 and IPv4-mapped IPv6 are one client")
    func mappedAddressesAreOneKey() throws {
        let v4 = try #require(IPAddress("203.0.113.7"))
        #expect(Self.clientKey(peer: "203.0.113.7:1000") == RateLimitKey(v4))
        #expect(Self.clientKey(peer: "[::ffff:203.0.113.7]:2000") == RateLimitKey(v4))
        #expect(Self.clientKey(peer: "10.0.0.1:3000", realIP: "::ffff:203.0.113.7") == RateLimitKey(v4))
        #expect(Self.clientKey(peer: "[2001:db8::1]:1") != RateLimitKey(v4))
        #expect(RateLimitKey("203.0.113.7") != RateLimitKey(v4))
        #expect(RateLimitKey(v4).address == v4 && RateLimitKey("x").address == nil)
    }

    @Test("the X-Real-IP the server set from its trust rules wins over the peer")
    func realIPWins() throws {
        #expect(
            Self.clientKey(peer: "10.0.0.1:3000", realIP: "198.51.100.9")
                == RateLimitKey(try #require(IPAddress("198.51.100.9"))))
        #expect(Self.clientKey(peer: "198.51.100.9:3000", realIP: "198.51.100.9")?.description == "198.51.100.9")
    }

    @Test("a request with no client address has no key — never one bucket shared by all such requests")
    func missingAddress() async throws {
        #expect(Self.clientKey(peer: nil) == nil)
        #expect(Self.clientKey(peer: "10.0.0.1:3000", realIP: "unknown") == nil)
        #expect(Self.clientKey(peer: "10.0.0.1:3000", realIP: "") == nil)
        let statuses = try await simulate { runtime in
            let events = Recorder<RateLimitEvent>()
            let limited = try handler(
                RateLimit.fixedWindow(perMinute: 1, options: .init(observe: { events.record($0) })), runtime: runtime)
            var statuses: [Int] = []
            // Ten anonymous requests are not limited, and leave a real client's quota alone.
            for _ in 0..<10 {
                statuses.append(try await limited.handle(.test(), context: .test(runtime, peer: nil)).status.code)
            }
            for _ in 0..<2 {
                statuses.append(try await limited.handle(.test(), context: .test(runtime)).status.code)
            }
            statuses.append(events.all.count)
            return statuses
        }
        #expect(statuses == Array(repeating: 200, count: 10) + [200, 429, 2])
    }

    @Test("a header key counts per value; requests without the header are not limited")
    func headerKey() async throws {
        let apiKey = try #require(HTTPField.Name("X-API-Key"))
        let statuses = try await simulate { runtime in
            let limited = try handler(
                RateLimit.fixedWindow(perMinute: 1, options: .init(key: .header(apiKey))), runtime: runtime)
            var statuses: [Int] = []
            for value in ["a", "a", "b", "", "", nil] as [String?] {
                var fields = HTTPFields()
                fields[apiKey] = value
                statuses.append(try await limited.handle(.test(headers: fields), context: .test(runtime)).status.code)
            }
            return statuses
        }
        #expect(statuses == [200, 429, 200, 200, 200, 200])
    }

    @Test("any closure can key a request, and the predicate hook chooses the requests a limiter applies to")
    func customKeyAndPredicate() async throws {
        let statuses = try await simulate { runtime in
            let options = RateLimit.Options(
                key: RateLimit.Keying { request, _ in request.authority.map { RateLimitKey("host:\($0)") } },
                appliesTo: { request, _ in request.path?.hasPrefix("/api/") ?? false })
            let limited = try handler(RateLimit.fixedWindow(perMinute: 1, options: options), runtime: runtime)
            let context = RequestContext.test(runtime)
            var statuses: [Int] = []
            for path in ["/api/a", "/api/b", "/static/x", "/static/y"] {
                statuses.append(try await limited.handle(.test(path), context: context).status.code)
            }
            var other = Request.test("/api/a")
            other.authority = "other.example"
            statuses.append(try await limited.handle(other, context: context).status.code)
            return statuses
        }
        #expect(statuses == [200, 429, 200, 200, 200])
    }
}
