import HTTPTypes
import ParapetCore
import ParapetMiddleware
import Testing

@Suite("HostRewrite: stripping the port and lowercasing the host")
struct HostRewriteTests {
    /// What the next handler saw as the host, after `rewrite`.
    func hostSeen(_ host: String?, after rewrite: HostRewrite) async throws -> String {
        let harness = MiddlewareHarness()
        var request = MiddlewareHarness.request()
        request.authority = host
        let response = try await harness.send(
            request, through: rewrite,
            next: Endpoint { request, _ in
                .text(request.authority ?? "(none)")
            })
        return try await response.text()
    }

    @Test(arguments: [
        ("Example.com:8080", "Example.com"),
        ("example.com", "example.com"),
        ("example.com:", "example.com"),
        ("192.0.2.7:80", "192.0.2.7"),
        ("[2001:DB8::1]:443", "[2001:DB8::1]"),
        ("[2001:db8::1]", "[2001:db8::1]"),
        ("bad host:80", "bad host:80"),
        ("example.com:99999", "example.com:99999"),
    ])
    func stripPortDropsAWellFormedPort(host: String, expected: String) async throws {
        #expect(try await hostSeen(host, after: .stripPort) == expected)
    }

    @Test(arguments: [
        ("Example.COM:8080", "example.com:8080"),
        ("WWW.Example.com", "www.example.com"),
        ("[2001:DB8::A]:443", "[2001:db8::a]:443"),
        ("xn--BCHER-KVA.example", "xn--bcher-kva.example"),
        ("Bad Host", "Bad Host"),
    ])
    func lowercaseLowersTheHostAndKeepsThePort(host: String, expected: String) async throws {
        #expect(try await hostSeen(host, after: .lowercase) == expected)
    }

    @Test func aRequestWithoutAHostPassesUnchanged() async throws {
        #expect(try await hostSeen(nil, after: .stripPort) == "(none)")
        #expect(try await hostSeen(nil, after: .lowercase) == "(none)")
    }

    @Test func aVirtualHostAfterTheRewriteServesTheRewrittenHost() async throws {
        let server = Middlewares()
        server.use(HostRewrite.stripPort)
        server.use(HostRewrite.lowercase)
        let site = Host("example.com")
        site.use(Endpoint { request, _ in .text("site \(request.authority ?? "")") })
        server.use(site)
        let harness = MiddlewareHarness()
        let handler = try server.wrap(Endpoint.notFound, in: harness.environment)
        let response = try await handler.handle(
            MiddlewareHarness.request(host: "EXAMPLE.com:8443"), context: harness.context)
        #expect(try await response.text() == "site example.com")
    }
}
