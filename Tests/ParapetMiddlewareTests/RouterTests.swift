import HTTPTypes
import ParapetCore
import Testing

@testable import ParapetMiddleware

@Suite("Router")
struct RouterTests {
    let harness = MiddlewareHarness()

    @Test(arguments: [
        ("/a", RouteTable.Decision.route(0)), ("/a/", .route(0)), ("/a/x?q=1", .route(0)), ("/ab", .unmatched),
        ("/a/b", .redirect("/a/b/")), ("/a/b/", .route(1)), ("/a/b/c/d", .route(1)), ("/a/bc", .route(0)),
        ("/static/", .route(2)), ("/static/app.js", .route(2)), ("/", .unmatched), ("/other", .unmatched),
    ])
    func theLongestPatternWins(target: String, expected: RouteTable.Decision) {
        let table = RouteTable(patterns: ["/a", "/a/b/", "/static/"])
        #expect(table.decide(target) == expected)
    }

    @Test func aCatchAllTakesWhatNoLongerPatternDoes() {
        let table = RouteTable(patterns: ["/", "/api"])
        #expect(table.decide("/") == .route(0))
        #expect(table.decide("/web/page") == .route(0))
        #expect(table.decide("/api/v1") == .route(1))
        #expect(table.decide("*") == .unmatched)
        #expect(table.decide(nil) == .unmatched)
    }

    @Test func anExplicitSubtreeBeatsTheImpliedOneWhateverTheOrder() {
        #expect(RouteTable(patterns: ["/a/", "/a"]).decide("/a/x") == .route(0))
        #expect(RouteTable(patterns: ["/a", "/a/"]).decide("/a/x") == .route(1))
        #expect(RouteTable(patterns: ["/a", "/a/"]).decide("/a") == .route(0))
    }

    @Test(arguments: [
        ("/a//x?q=%2F&r", RouteTable.Decision.redirect("/a/x?q=%2F&r")), ("/b/../a/x", .redirect("/a/x")),
        ("/a/./x/", .redirect("/a/x/")), ("/a/%2E%2E/a", .redirect("/a")), ("/static", .redirect("/static/")),
        ("/static?v=2", .redirect("/static/?v=2")), ("//static", .redirect("/static/")),
        ("/a/x%20y/../%3F", .redirect("/a/%3F")), ("/b//x", .unmatched), ("/%61", .redirect("/a")),
        ("/a/%c3%a9", .redirect("/a/%C3%A9")), ("/a/..%2F", .refuse(.encodedSlash)), ("/a;x", .refuse(.semicolon)),
    ])
    func uncleanPathsAndBareSubtreesRedirectWhenRouted(target: String, expected: RouteTable.Decision) {
        let table = RouteTable(patterns: ["/a", "/static/"])
        #expect(table.decide(target) == expected)
    }

    @Test func routesWrapTheRoutersNextAndRedirectsKeepTheMethod() async throws {
        let router = Router()
        router.route(
            "/api",
            to: Around { request, context, next in
                var request = request
                request.path = "/routed" + (request.path ?? "")
                return try await next.handle(request, context: context)
            })
        router.route("/home", to: answering("home"))
        #expect(try await harness.body(of: router, host: "a.io", path: "/api/x") == "next /routed/api/x")
        #expect(try await harness.body(of: router, host: "a.io", path: "/home") == "home")
        #expect(try await harness.body(of: router, host: "a.io", path: "/elsewhere") == "next /elsewhere")
        let redirect = try await harness.send(MiddlewareHarness.request(.post, "/home/./"), through: router)
        #expect(redirect.status == .permanentRedirect)
        #expect(redirect.headerFields[.location] == "/home/")
    }

    @Test(arguments: ["", "api", "/a//b", "/a/../b", "/a?x", "/%7Ea"])
    func patternsThatCouldNeverMatchAreErrors(pattern: String) throws {
        let router = Router()
        router.route(pattern, to: answering("x"))
        #expect(try harness.configurationErrors(building: router).map(\.field) == ["route pattern"])
    }

    @Test func patternsAreComparedInNormalForm() async throws {
        let router = Router()
        router.route("/caf\u{E9}", to: answering("cafe"))
        let twice = Router()
        twice.route("/caf\u{E9}", to: answering("cafe"))
        twice.route("/caf%C3%A9", to: answering("x"))
        let errors = try harness.configurationErrors(building: twice)
        #expect(errors.count == 1 && errors.allSatisfy { "\($0)".contains("routed twice") })
        #expect(try await harness.body(of: router, host: "a.io", path: "/caf%C3%A9/menu") == "cafe")
        let refused = try await harness.send(MiddlewareHarness.request(.get, "/caf%C3%A9%2Fx"), through: router)
        #expect(refused.status == .badRequest)
    }

    @Test func aPatternRoutedTwiceOrAfterBuildIsAnError() throws {
        let router = Router()
        router.route("/a", to: answering("first"))
        router.route("/a", to: answering("second"))
        #expect(try harness.configurationErrors(building: router).map(\.field) == ["route pattern"])
        let brokenFirst = Router()
        brokenFirst.route("/a", to: HSTS(maxAge: .seconds(-1)))
        brokenFirst.route("/a", to: answering("second"))
        #expect(try harness.configurationErrors(building: brokenFirst).map(\.field) == ["maxAge", "route pattern"])
        let built = Router()
        built.route("/a", to: answering("first"))
        _ = try built.wrap(Endpoint.notFound, in: harness.environment)
        built.route("/b", to: answering("late"))
        #expect(throws: ChainError.usedAfterBuild) { try built.wrap(Endpoint.notFound, in: harness.environment) }
    }
}
