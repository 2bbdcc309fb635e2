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
        #expect(Self.clientKey(peer: "[2001:db8::1]:1") != RateLimitKey(v4))
        #expect(RateLimitKey("203.0.113.7") != RateLimitKey(v4))
        #expect(RateLimitKey(v4).address == v4 && RateLimitKey("x").address == nil)
    }

    @Test("the key is the client the server settled on, never a header the limiter reads itself")
    func keyIsTheContextsClient() throws {
        let spoofed = Self.clientKey(peer: "203.0.113.7:3000", realIP: "198.51.100.9")
        #expect(spoofed == RateLimitKey(try #require(IPAddress("203.0.113.7"))))
        var context = RequestContext.test(Self.runtime, peer: "10.0.0.1:3000")
        context.clientAddress = .ip(try #require(IPAddress("::ffff:198.51.100.9")).unmapped)
        #expect(
            RateLimit.Keying.clientIP.key(for: .test(), context: context)
                == RateLimitKey(try #require(IPAddress("198.51.100.9"))))
    }

    @Test("every request has a client key: a peer without an address is keyed as itself")
    func peersWithoutAnAddress() async throws {
        #expect(Self.clientKey(peer: nil) == RateLimitKey("unknown"))
        var unix = RequestContext.test(Self.runtime, peer: nil)
        unix.connection.peer = .unixSocket(path: "/run/p.sock")
        #expect(RateLimit.Keying.clientIP.key(for: .test(), context: unix) == RateLimitKey("unix:/run/p.sock"))
        let statuses = try await simulate { runtime in
            let limited = try handler(RateLimit.fixedWindow(perMinute: 1), runtime: runtime)
            var statuses: [Int] = []
            for _ in 0..<2 {
                statuses.append(try await limited.handle(.test(), context: .test(runtime, peer: nil)).status.code)
            }
            // A real client's quota is its own.
            statuses.append(try await limited.handle(.test(), context: .test(runtime)).status.code)
            return statuses
        }
        #expect(statuses == [200, 429, 200])
    }

    @Test("no header takes a request out of the limiter or gives it a fresh key")
    func headersCannotEscape() async throws {
        let statuses = try await simulate { runtime in
            let limited = try handler(RateLimit.fixedWindow(perMinute: 2), runtime: runtime)
            var statuses: [Int] = []
            for realIP in ["x", "", "unknown", "198.51.100.1", "198.51.100.2"] {
                var fields = HTTPFields()
                fields[.xRealIP] = realIP
                fields[.xForwardedFor] = realIP
                let request = Request.test(headers: fields)
                let response = try await limited.handle(request, context: .test(runtime, peer: "10.0.0.1:1"))
                statuses.append(response.status.code)
            }
            return statuses
        }
        #expect(statuses == [200, 200, 429, 429, 429])
    }

    @Test("IPv6 clients are grouped by /64 by default, IPv4 clients never")
    func ipv6ByNetwork() async throws {
        let statuses = try await simulate { runtime in
            let limited = try handler(RateLimit.fixedWindow(perMinute: 1), runtime: runtime)
            var statuses: [Int] = []
            for peer in [
                "[2001:db8:1:2::1]:1", "[2001:db8:1:2:ffff:ffff:ffff:ffff]:1", "[2001:db8:1:3::1]:1",
                "203.0.113.1:1", "203.0.113.2:1",
            ] {
                statuses.append(try await limited.handle(.test(), context: .test(runtime, peer: peer)).status.code)
            }
            return statuses
        }
        #expect(statuses == [200, 429, 200, 200, 200])
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
