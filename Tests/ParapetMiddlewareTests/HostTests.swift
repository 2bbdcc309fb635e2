import HTTPTypes
import ParapetCore
import Testing

@testable import ParapetMiddleware

@Suite("Host")
struct HostTests {
    let harness = MiddlewareHarness()

    @Test(arguments: [
        ("example.com", "example.com"),
        ("Example.COM", "example.com"),
        ("example.com.", "example.com"),
        ("example.com:8080", "example.com"),
        ("EXAMPLE.com.:443", "example.com"),
        ("example.com:", "example.com"),
        ("example.com..", "example.com."),
        ("192.0.2.7:80", "192.0.2.7"),
        ("[::1]", "::1"),
        ("[::1]:8080", "::1"),
        ("[2001:DB8:0:0::1]:443", "2001:db8::1"),
    ])
    func normalizesTheRequestHost(authority: String, expected: String) throws {
        #expect(try #require(Authority(authority)).normalizedHost == expected)
    }

    @Test(arguments: [
        "", ":80", "exa mple.com", "example.com/x", "user@example.com", "[::1", "[::1]x", "::1",
        "[192.0.2.7]", "example.com:http", "example.com:65536", "example.com:1:2",
    ])
    func rejectsMalformedAuthorities(authority: String) {
        #expect(Authority(authority) == nil)
    }

    @Test(arguments: [
        "example.com:8080", "a.*.com", "*example.com", "*.", "*.*.com", "", "exa mple.com", "*.192.0.2.7",
    ])
    func rejectsNamesThatCouldNeverMatch(name: String) throws {
        let errors = try harness.configurationErrors(building: Host(name))
        #expect(errors.map(\.field) == ["host name"])
        #expect(errors.allSatisfy { "\($0)".contains("\"\(name)\"") })
    }

    @Test func aWildcardMatchesSubdomainsAtAnyDepthButNotTheApex() {
        let table = VirtualHostTable(sites: [[.wildcard(suffix: ".a.io")]])
        #expect(table.site(for: "w.a.io") == 0)
        #expect(table.site(for: "x.y.a.io:8443") == 0)
        #expect(table.site(for: "a.io") == nil)
        #expect(table.site(for: "xa.io") == nil)
        #expect(table.site(for: ".a.io") == nil)
    }

    @Test func theMostSpecificNameWinsWhateverTheMountOrder() throws {
        let table = VirtualHostTable(sites: [
            [.any],
            [.wildcard(suffix: ".io")],
            [.wildcard(suffix: ".a.io")],
            [.exact("x.a.io")],
            [try HostPattern("*.b.a.io")],
        ])
        #expect(table.site(for: "x.a.io") == 3)
        #expect(table.site(for: "y.a.io") == 2)
        #expect(table.site(for: "z.b.a.io") == 4)
        #expect(table.site(for: "c.io") == 1)
        #expect(table.site(for: "example.com") == 0)
        #expect(table.site(for: nil) == 0)
        #expect(table.site(for: "bad host") == 0)
    }

    @Test func theFirstMountedOfEquallySpecificNamesWins() {
        let table = VirtualHostTable(sites: [
            [.exact("a.io"), .wildcard(suffix: ".a.io")], [.exact("a.io")], [.any], [.any],
        ])
        #expect(table.site(for: "a.io") == 0)
        #expect(table.site(for: "x.a.io") == 0)
        #expect(table.site(for: "other.io") == 2)
    }

    @Test func networksMatchIPLiteralsSmallestNetworkFirst() throws {
        let table = VirtualHostTable(sites: [
            [.network(try IPNetwork("10.0.0.0/8"))],
            [.network(try IPNetwork("10.1.0.0/16"))],
            [.exact("10.1.2.3")],
            [.network(try IPNetwork("fd00::/8"))],
            [.wildcard(suffix: ".2.3")],
        ])
        #expect(table.site(for: "10.9.9.9") == 0)
        #expect(table.site(for: "10.1.9.9:8080") == 1)
        #expect(table.site(for: "10.1.2.3") == 2)
        #expect(table.site(for: "[fd00::5]:443") == 3)
        #expect(table.site(for: "11.0.0.1") == nil)
        #expect(table.site(for: "ten.example") == nil)
        #expect(table.site(for: "a.2.3") == 4)
    }

    @Test func anExactHostMountedAfterAWildcardStillWins() async throws {
        let chain = Middlewares([
            try block(Host("*.a.io"), using: answering("wildcard")),
            try block(Host("x.a.io"), using: answering("exact")),
        ])
        #expect(try await harness.body(of: chain, host: "x.a.io") == "exact")
        #expect(try await harness.body(of: chain, host: "X.A.IO.:8443") == "exact")
        #expect(try await harness.body(of: chain, host: "y.a.io") == "wildcard")
        #expect(try await harness.body(of: chain, host: "a.io") == "next /")
    }

    @Test func hostsInNestedChainsShareOnePrecedence() async throws {
        let sites = Middlewares([try block(Host("*"), using: answering("default"))])
        let chain = Middlewares([sites, Middlewares(), try block(Host("b.io"), using: answering("b"))])
        #expect(try await harness.body(of: chain, host: "b.io") == "b")
        #expect(try await harness.body(of: chain, host: "c.io") == "default")
    }

    @Test func aMiddlewareBetweenHostsSeparatesThem() async throws {
        let chain = Middlewares([
            try block(Host("*.a.io"), using: answering("wildcard")),
            Around { request, context, next in try await next.handle(request, context: context) },
            try block(Host("x.a.io"), using: answering("exact")),
        ])
        #expect(try await harness.body(of: chain, host: "x.a.io") == "wildcard")
    }

    @Test func aMatchedHostEndsInNotFoundAndNeverFallsThrough() async throws {
        let site = Host("example.com")
        site.use(Around { request, context, next in try await next.handle(request, context: context) })
        let matched = try await harness.send(MiddlewareHarness.request(host: "example.com"), through: site)
        #expect(matched.status == .notFound)
        #expect(try await harness.body(of: site, host: "other.com", path: "/x") == "next /x")
    }

    @Test func starMatchesEvenARequestWithoutHost() async throws {
        #expect(try await harness.body(of: try block(Host("*"), using: answering("any")), host: nil) == "any")
    }

    @Test func networkHostsMatchAddressesNotNames() async throws {
        let direct = try block(
            Host(networks: try IPNetwork("10.0.0.0/8"), try IPNetwork("fd00::/8")), using: answering("direct"))
        #expect(try await harness.body(of: direct, host: "10.2.3.4:8080") == "direct")
        #expect(try await harness.body(of: direct, host: "[fd00::1]") == "direct")
        #expect(try await harness.body(of: direct, host: "192.0.2.1") == "next /")
        #expect(try await harness.body(of: direct, host: "example.com") == "next /")
    }

    @Test func usingAHostAfterItWasBuiltIsReportedByTheNextBuild() throws {
        let site = Host("example.com")
        _ = try site.wrap(Endpoint.notFound, in: harness.environment)
        site.use(answering("late"))
        #expect(throws: ChainError.usedAfterBuild) { try site.wrap(Endpoint.notFound, in: harness.environment) }
    }
}
