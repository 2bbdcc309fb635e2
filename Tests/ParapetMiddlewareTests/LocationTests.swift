import HTTPTypes
import ParapetCore
import Testing

@testable import ParapetMiddleware

@Suite("Location")
struct LocationTests {
    let harness = MiddlewareHarness()

    /// Whether `location` (answering "in") takes a `GET path`.
    func takes(_ location: Location, _ path: String) async throws -> Bool {
        let served = try await harness.body(
            of: try block(location, using: answering("in")), host: "example.com", path: path)
        return served == "in"
    }

    @Test(arguments: [
        ("/blog", true), ("/blog/", true), ("/blog/post", true), ("/blog?page=2", true), ("/blog/post?x=/y", true),
        ("/blogger", false), ("/blog-archive", false), ("/blo", false), ("/", false), ("/x/blog", false),
    ])
    func aPrefixMatchesWholeSegments(path: String, expected: Bool) async throws {
        #expect(try await takes(Location(prefix: "/blog"), path) == expected)
    }

    @Test(arguments: [("/p/", true), ("/p/x", true), ("/p", false), ("/px", false)])
    func aPrefixEndingInSlashNeedsTheSlash(path: String, expected: Bool) async throws {
        #expect(try await takes(Location(prefix: "/p/"), path) == expected)
    }

    @Test func theRootPrefixMatchesEveryPath() async throws {
        #expect(try await takes(Location(prefix: "/"), "/"))
        #expect(try await takes(Location(prefix: "/"), "/anything/at/all"))
    }

    @Test(arguments: [
        ("/healthz", true), ("/healthz?ready=1", true), ("/healthz/", false), ("/healthz/x", false),
        ("/health", false),
    ])
    func anExactLocationMatchesOnlyThatPath(path: String, expected: Bool) async throws {
        #expect(try await takes(Location(exact: "/healthz"), path) == expected)
    }

    @Test(arguments: [
        "/%61dmin/users", "//admin/users", "/public/../admin/users", "/./admin/users", "/%2E%2E/admin/users",
        "/admin/x/..", "/public/.%2e/admin",
    ])
    func spellingsOfAPathCannotSlipPastAPrefix(path: String) async throws {
        #expect(try await takes(Location(prefix: "/admin"), path))
    }

    @Test(arguments: ["/admin/..%2F", "/admin%2Fusers", "/public/..%5Cadmin", "/admin;x=y", "/public/..;/admin"])
    func ambiguousSpellingsAreRefusedNotPassedOn(path: String) async throws {
        let location = try block(Location(prefix: "/admin"), using: answering("in"))
        let response = try await harness.send(MiddlewareHarness.request(.get, path), through: location)
        #expect(response.status == .badRequest)
    }

    @Test func anEncodedSlashKeptAsDataStaysInsideItsSegment() async throws {
        var environment = harness.environment
        environment.pathRules = RequestPathRules(encodedSlashes: .keepAsData)
        let location = try block(Location(prefix: "/admin"), using: answering("in"))
        let handler = try location.wrap(Endpoint { request, _ in .text("next \(request.path ?? "")") }, in: environment)
        for (path, expected) in [("/admin/..%2F", "in"), ("/admin%2Fusers", "next /admin%2Fusers")] {
            let response = try await handler.handle(MiddlewareHarness.request(.get, path), context: harness.context)
            #expect(try await response.text() == expected, "\(path)")
        }
    }

    @Test func theRequestPassedOnKeepsItsSpelling() async throws {
        let location = try block(
            Location(prefix: "/admin"), using: Endpoint { request, _ in .text(request.path ?? "-") })
        #expect(
            try await harness.body(of: location, host: "a.io", path: "//admin/%2E/x?q=%20") == "//admin/%2E/x?q=%20")
    }

    @Test(arguments: [
        ("/a.css", true), ("/a/b.js?v=3", true), ("/x.cssz", false), ("/a?file.css", false),
        ("/photos/cat.JPG", false), ("/photos/cat.jpeg", true), ("/app%2Ecss", true),
    ])
    func aRegularExpressionMatchesUnanchoredOnThePathWithoutQuery(path: String, expected: Bool) async throws {
        let assets = Location(matching: #"\.(js|css|svg|png|jp(e)?g|gif)$"#)
        #expect(try await takes(assets, path) == expected)
    }

    @Test(arguments: ["(", "[a-", "a)", #"\"#, "(?(1)a|b)", #"a\Kb"#, "(?R)", "(*ACCEPT)a"])
    func aBadOrUnsupportedRegularExpressionIsAnErrorNamingIt(pattern: String) throws {
        let errors = try harness.configurationErrors(building: Location(matching: pattern))
        #expect(errors.map(\.field) == ["location pattern"])
        #expect(errors.allSatisfy { "\($0)".contains("\"\(pattern)\"") })
    }

    @Test(arguments: ["", "healthz", "/a//b", "/a/./b", "/a/../b", "/a?x=1", "/%7Euser"])
    func pathsThatCouldNeverMatchAreErrors(path: String) throws {
        #expect(try harness.configurationErrors(building: Location(exact: path)).map(\.field) == ["location path"])
        #expect(try harness.configurationErrors(building: Location(prefix: path)).map(\.field) == ["location path"])
    }

    @Test func requestsWithoutAPathSkipEveryLocation() async throws {
        let location = try block(Location(prefix: "/"), using: answering("in"))
        let options = MiddlewareHarness.request(.options, "*")
        #expect(try await harness.send(options, through: location).text() == "next *")
    }

    @Test func aMatchedLocationEndsInNotFoundAndAnUnmatchedOneFallsThrough() async throws {
        let location = try block(
            Location(prefix: "/api"),
            using: Around { request, context, next in
                try await next.handle(request, context: context)
            })
        let matched = try await harness.send(MiddlewareHarness.request(.get, "/api/x"), through: location)
        #expect(matched.status == .notFound)
        #expect(try await harness.body(of: location, host: "a.io", path: "/web") == "next /web")
    }

    @Test func aMatchBlockServesWhatItsPredicateTakes() async throws {
        let posts = try block(MatchBlock { request, _ in request.method == .post }, using: answering("posted"))
        #expect(try await harness.send(MiddlewareHarness.request(.post, "/x"), through: posts).text() == "posted")
        #expect(try await harness.send(MiddlewareHarness.request(.get, "/x"), through: posts).text() == "next /x")
        let empty = MatchBlock { _, _ in true }
        #expect(try await harness.send(MiddlewareHarness.request(.get, "/x"), through: empty).status == .notFound)
    }
}
