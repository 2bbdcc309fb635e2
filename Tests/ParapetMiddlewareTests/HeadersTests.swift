import HTTPTypes
import Parapet
import ParapetCore
import ParapetTesting
import ParapetTestSupport
import Testing

@testable import ParapetMiddleware

@Suite("Headers")
struct HeadersTests {
    static let frame = HTTPField.Name("X-Frame-Options")!
    static let custom = HTTPField.Name("X-Custom")!

    /// `fields` after `edits`, applied in order.
    func applying(_ edits: HeaderEdit..., to fields: HTTPFields) throws -> HTTPFields {
        var fields = fields
        try edits.resolved().apply(to: &fields)
        return fields
    }

    @Test func setReplacesEveryLineAndAddAppends() throws {
        let fields: HTTPFields = [Self.custom: "a", Self.custom: "b", .server: "origin"]
        let set = try applying(.set("x-custom", "c"), to: fields)
        #expect(set[values: Self.custom] == ["c"])
        #expect(set[.server] == "origin")
        let added = try applying(.add("X-Custom", "c"), to: fields)
        #expect(added[values: Self.custom] == ["a", "b", "c"])
        let fresh = try applying(.set("X-New", "1"), .add("X-New", "2"), to: [:])
        #expect(fresh[values: HTTPField.Name("X-New")!] == ["1", "2"])
    }

    @Test func deleteRemovesEveryLineAndMapRewritesOrDropsEachValue() throws {
        let fields: HTTPFields = [Self.custom: "keep", Self.custom: "drop", Self.custom: "upper", .server: "x"]
        #expect(try applying(.delete("X-CUSTOM"), to: fields)[values: Self.custom] == [])
        let mapped = try applying(
            .map("X-Custom") { value in value == "drop" ? nil : value == "upper" ? "UPPER" : value }, to: fields)
        #expect(mapped[values: Self.custom] == ["keep", "UPPER"])
        #expect(try applying(.map("X-Custom") { _ in nil }, to: fields)[Self.custom] == nil)
        #expect(try applying(.map("X-Absent") { _ in "appeared" }, to: fields) == fields)
    }

    @Test func editsRunInOrder() throws {
        let fields = try applying(.set("X-Custom", "1"), .map("X-Custom") { $0 + "2" }, .add("X-Custom", "3"), to: [:])
        #expect(fields[values: Self.custom] == ["12", "3"])
    }

    @Test(arguments: [
        RequestHeaders(.set("Bad Name", "x")) as any Middleware,
        ResponseHeaders(.delete("")),
        ResponseHeaders(.add("X-Ok", "1"), .map("Colon:", { $0 })),
    ])
    func anInvalidFieldNameFailsWhenTheChainIsBuilt(middleware: any Middleware) throws {
        let error = #expect(throws: ConfigurationError.self) {
            _ = try middleware.wrap(Endpoint.notFound, in: MiddlewareHarness().environment)
        }
        guard case .invalidValue(let field, _) = error else {
            Issue.record("expected ConfigurationError.invalidValue, got \(String(describing: error))")
            return
        }
        #expect(field == "header name")
    }

    @Test func requestEditsReachTheNextHandler() async throws {
        let harness = MiddlewareHarness()
        let request = MiddlewareHarness.request(fields: [.authorization: "secret", Self.custom: "in"])
        let seen = Endpoint { request, _ in
            .text("\(request.headerFields[.authorization] ?? "-") \(request.headerFields[values: Self.custom])")
        }
        let edited = try await harness.send(
            request, through: RequestHeaders(.delete("Authorization"), .add("X-Custom", "more")), next: seen)
        #expect(try await edited.text() == "- [\"in\", \"more\"]")
        let intercepted = try await harness.send(
            request, through: RequestHeaders { $0[Self.custom] = "intercepted" }, next: seen)
        #expect(try await intercepted.text() == "secret [\"intercepted\"]")
    }

    @Test func responseEditsApplyToTheResponseAsReturnedSoASetFieldAppearsOnce() async throws {
        let harness = MiddlewareHarness()
        let upstreamLike = Endpoint { _, _ in
            Response(status: .ok, headerFields: [Self.frame: "SAMEORIGIN", Self.frame: "ALLOW", .server: "origin"])
        }
        let response = try await harness.send(
            MiddlewareHarness.request(), through: ResponseHeaders(.set("X-Frame-Options", "DENY"), .delete("Server")),
            next: upstreamLike)
        #expect(response.headerFields[values: Self.frame] == ["DENY"])
        #expect(response.headerFields[.server] == nil)
    }

    @Test func anInterceptorMayChangeTheStatusAndFields() async throws {
        let harness = MiddlewareHarness()
        let gone = ResponseHeaders { head in
            if head.status == .notFound { head.status = .gone }
            head.headerFields[.cacheControl] = "no-store"
        }
        let missing = try await harness.send(MiddlewareHarness.request(), through: gone, next: Endpoint.notFound)
        #expect(missing.status == .gone)
        #expect(missing.headerFields[.cacheControl] == "no-store")
        let found = try await harness.send(MiddlewareHarness.request(), through: gone)
        #expect(found.status == .ok)
        #expect(try await found.text() == "next /")
    }

    @Test func aFieldSetOnTheResponseIsNotDuplicatedByTheUpstreamsCopyOnARealSocket() async throws {
        try await withTimeLimit(.seconds(20)) {
            let origin = try loopbackServer()
            origin.use(
                Endpoint { _, _ in
                    Response(
                        status: .ok,
                        headerFields: [Self.frame: "SAMEORIGIN", Self.frame: "ALLOW-FROM x", .server: "origin"],
                        body: HTTPBody(string: "from origin"))
                })
            let transport = HTTPClientTransport()
            try await withRunningServer(origin) { originAddress in
                let proxy = try loopbackServer()
                proxy.use(ResponseHeaders(.set("X-Frame-Options", "DENY"), .delete("Server")))
                proxy.use(
                    Upstream(SingleHost("\(originAddress)", transport: transport), Upstream.Options(retries: 0)))
                try await withRunningServer(proxy) { address in
                    let client = try await WireClient(to: address)
                    try await client.send("GET / HTTP/1.1\r\nHost: site.test\r\n\r\n")
                    let response = try await client.readResponse()
                    #expect(response.status == 200)
                    #expect(response.body == "from origin")
                    #expect(response.values("X-Frame-Options") == ["DENY"])
                    #expect(response.values("Server") == [])
                    await client.close()
                }
            }
            await transport.shutdown()
        }
    }
}
