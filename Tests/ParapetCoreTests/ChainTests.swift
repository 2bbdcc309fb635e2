import HTTPTypes
import Logging
import NIOCore
import ParapetCore
import ParapetSimulation
import Testing

/// Wraps the inner response body in `<name>…</name>`, so the body records the order layers ran in.
struct Tag: Middleware {
    let name: String

    init(_ name: String) { self.name = name }

    func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
        Around.BoundHandler(next: next) { [name] request, context, next in
            let inner = try await next.handle(request, context: context)
            let body = String(buffer: try await inner.body.collect(upTo: 1 << 16))
            return .text("<\(name)>\(body)</\(name)>")
        }
    }
}

@Suite("Middleware chains")
struct ChainTests {
    let simulation = Simulation(seed: 1)
    var environment: ChainEnvironment { ChainEnvironment(runtime: simulation.runtime, logger: .init(label: "test")) }

    func body(of handler: any Handler, path: String = "/", headers: HTTPFields = [:]) async throws -> String {
        let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "test", path: path, headerFields: headers))
        let context = RequestContext(connection: ConnectionInfo(peer: nil), logger: .init(label: "test"), runtime: simulation.runtime)
        let response = try await handler.handle(request, context: context)
        return String(buffer: try await response.body.collect(upTo: 1 << 16))
    }

    @Test func firstUseIsOutermost() async throws {
        let chain = Middlewares()
        chain.use(Tag("a"))
        chain.use(Tag("b"))
        chain.use(Tag("c"))
        chain.use(Endpoint { _, _ in .text("X") })
        let handler = try chain.wrap(Endpoint.notFound, in: environment)
        #expect(try await body(of: handler) == "<a><b><c>X</c></b></a>")
    }

    @Test func emptyChainFallsThroughToTheNextHandler() async throws {
        let handler = try Middlewares().wrap(Endpoint { _, _ in .text("next") }, in: environment)
        #expect(try await body(of: handler) == "next")
    }

    @Test func endpointEndsTheChain() async throws {
        let chain = Middlewares([Tag("a"), Endpoint { _, _ in .text("X") }, Tag("never")])
        let handler = try chain.wrap(Endpoint.notFound, in: environment)
        #expect(try await body(of: handler) == "<a>X</a>")
        #expect(try await body(of: Endpoint.notFound) == "Not Found\n")
    }

    @Test func condWithElse() async throws {
        let cond = Cond(
            if: { request, _ in request.headerFields[.accept] == "text/html" },
            then: Tag("then"),
            else: Tag("else")
        )
        let handler = try Middlewares([Tag("outer"), cond]).wrap(Endpoint { _, _ in .text("X") }, in: environment)
        #expect(try await body(of: handler, headers: [.accept: "text/html"]) == "<outer><then>X</then></outer>")
        #expect(try await body(of: handler, headers: [.accept: "*/*"]) == "<outer><else>X</else></outer>")
    }

    @Test func condWithoutElsePassesThrough() async throws {
        let cond = Cond(if: { request, _ in request.path == "/admin" }, then: Tag("admin"))
        let handler = try cond.wrap(Endpoint { _, _ in .text("X") }, in: environment)
        #expect(try await body(of: handler, path: "/admin") == "<admin>X</admin>")
        #expect(try await body(of: handler, path: "/") == "X")
    }

    @Test func blocksNestInsideChains() async throws {
        let block = Middlewares()
        block.use(Tag("b1"))
        block.use(Tag("b2"))
        let chain = Middlewares()
        chain.use(Tag("a"))
        chain.use(block)
        chain.use(Tag("c"))
        let handler = try chain.wrap(Endpoint { _, _ in .text("X") }, in: environment)
        #expect(try await body(of: handler) == "<a><b1><b2><c>X</c></b2></b1></a>")
    }

    @Test func useAfterBuildIsReportedByTheNextBuild() throws {
        let block = Middlewares()
        let chain = Middlewares([block])
        #expect(!chain.isBuilt)
        _ = try chain.wrap(Endpoint.notFound, in: environment)
        #expect(chain.isBuilt && block.isBuilt)
        block.use(Tag("late"))
        #expect(chain.count == 1 && block.count == 0)
        #expect(throws: ChainError.usedAfterBuild) { try chain.wrap(Endpoint.notFound, in: environment) }
        let other = Middlewares()
        _ = try other.wrap(Endpoint.notFound, in: environment)
        other.use(Tag("late"))
        #expect(throws: ChainError.usedAfterBuild) { try other.wrap(Endpoint.notFound, in: environment) }
        #expect(ChainError.usedAfterBuild.description.contains("before serving"))
    }

    @Test func aChainCanBeMountedTwice() async throws {
        let backend = Middlewares([Tag("backend"), Endpoint { _, _ in .text("X") }])
        let chain = Middlewares([Cond(if: { request, _ in request.path == "/static" }, then: Middlewares([Tag("cache"), backend])), backend])
        let handler = try chain.wrap(Endpoint.notFound, in: environment)
        #expect(try await body(of: handler, path: "/static") == "<cache><backend>X</backend></cache>")
        #expect(try await body(of: handler, path: "/") == "<backend>X</backend>")
    }

    /// A middleware whose configuration is wrong in `fields`, each reported by its build.
    struct Misconfigured: Middleware {
        let fields: [String]

        init(_ fields: String...) { self.fields = fields }

        func wrap(_ next: any Handler, in environment: ChainEnvironment) throws -> any Handler {
            var check = ConfigurationCheck()
            for field in fields { check.fail(field, "is wrong") }
            try check.result()
            return next
        }
    }

    @Test func aBuildErrorNamesTheMiddleware() throws {
        let error = #expect(throws: ChainBuildError.self) {
            try Middlewares([Tag("a"), Misconfigured("maxFails")]).wrap(Endpoint.notFound, in: environment)
        }
        #expect(error?.problems.map(\.path) == [["Misconfigured"]])
        #expect(error?.problems.first?.error as? ConfigurationError == .invalidValue(field: "maxFails", reason: "is wrong"))
        #expect(error?.description == "invalid middleware chain: Misconfigured: invalid maxFails: is wrong")
    }

    @Test func oneBuildReportsEveryProblemInUseOrderWithItsPath() throws {
        let inner = Middlewares([Misconfigured("b"), Cond(if: { _, _ in true }, then: Misconfigured("c"), else: Misconfigured("d"))])
        let chain = Middlewares([Misconfigured("a"), Tag("fine"), inner, Misconfigured("e", "f")])
        let error = #expect(throws: ChainBuildError.self) { try chain.wrap(Endpoint.notFound, in: environment) }
        let problems = try #require(error?.problems)
        #expect(problems.map { ($0.error as? ConfigurationError)?.field } == ["a", "b", "c", "d", "e", "f"])
        #expect(problems.map(\.path) == [
            ["Misconfigured"], ["Misconfigured"], ["Cond", "then", "Misconfigured"], ["Cond", "else", "Misconfigured"],
            ["Misconfigured"], ["Misconfigured"],
        ])
        #expect(error?.description.hasPrefix("6 problems in the middleware chain:\n  - Misconfigured: invalid a: is wrong\n") == true)
    }

    @Test func requestValuesFlowInward() async throws {
        enum User: RequestValueKey { typealias Value = String }
        let chain = Middlewares([
            Around { request, context, next in
                var context = context
                context.values[User.self] = "ada"
                return try await next.handle(request, context: context)
            },
            Endpoint { _, context in .text(context.values[User.self] ?? "nobody") },
        ])
        let handler = try chain.wrap(Endpoint.notFound, in: environment)
        #expect(try await body(of: handler) == "ada")

        var values = RequestValues()
        values[User.self] = "a"
        values[User.self] = "b"
        #expect(values[User.self] == "b")
        values[User.self] = nil
        #expect(values[User.self] == nil)
    }
}
