import HTTPTypes
import NIOCore
import ParapetCore
import ParapetSimulation
import ParapetUpstream
import Testing

@Suite("Upstream: the outgoing request")
struct UpstreamRequestTests {
    /// Proxies `request` once through `options` and returns what the backend was sent.
    func sent(_ request: Request, _ options: Upstream.Options = Upstream.Options(), peer: String? = "203.0.113.7:50000")
        async throws -> UpstreamRequest
    {
        let backend = ScriptedBackends([.respond(.ok)])
        _ = try await simulate { runtime in
            try await proxy(backend, options, runtime: runtime).handle(
                request, context: RequestContext.test(runtime, peer: peer))
        }
        let calls = backend.calls
        #expect(calls.count == 1)
        return try #require(calls.first).request
    }

    @Test("the path is cleaned and joined under the path option, the queries merged, the scheme set")
    func rewritten() async throws {
        let outgoing = try await sent(
            Request.test(path: "/v1/../users?page=2"), Upstream.Options(path: "/api?key=1", scheme: "https"))
        #expect(outgoing.head.path == "/api/users?key=1&page=2")
        #expect(outgoing.head.scheme == "https")
        #expect(outgoing.head.method == .get)
        #expect(outgoing.attempt == 0)
        #expect(outgoing.target == nil)
    }

    @Test("an upgrade request carries the client's upgraded byte stream to the transport; others do not")
    func upgradedInbound() async throws {
        let backend = ScriptedBackends([.respond(.switchingProtocols)])
        let upgrade = Request.test(headers: [.connection: "Upgrade", .upgrade: "websocket"])
        let plain = Request.test()
        _ = try await simulate { runtime in
            var context = RequestContext.test(runtime)
            context.upgradedInbound = HTTPBody(string: "frames")
            let handler = try proxy(backend, runtime: runtime)
            _ = try await handler.handle(upgrade, context: context)
            _ = try await handler.handle(plain, context: context)
        }
        let calls = backend.calls
        #expect(calls.count == 2)
        let tunnelled = try await calls.first?.request.upgradedInbound?.collect(upTo: 64)
        #expect(tunnelled.map { String(buffer: $0) } == "frames")
        #expect(calls.last?.request.upgradedInbound == nil)
    }

    @Test("a path escaping the prefix with dot segments stays under it")
    func traversal() async throws {
        let outgoing = try await sent(Request.test(path: "/../../etc/passwd"), Upstream.Options(path: "/static/"))
        #expect(outgoing.head.path == "/static/etc/passwd")
    }

    @Test("the client's Host is forwarded unless the host option overrides it")
    func hostOverride() async throws {
        #expect(try await sent(Request.test(authority: "shop.example")).head.authority == "shop.example")
        let overridden = try await sent(
            Request.test(authority: "shop.example"), Upstream.Options(host: "backend.internal:8080"))
        #expect(overridden.head.authority == "backend.internal:8080")
    }

    @Test("a stray Host field is folded into the authority, never sent twice")
    func strayHostField() async throws {
        let host = try #require(HTTPField.Name("Host"))
        var request = Request.test(headers: [host: "legacy.example"])
        request.authority = nil
        let outgoing = try await sent(request)
        #expect(outgoing.head.authority == "legacy.example")
        #expect(outgoing.head.headerFields[host] == nil)
    }

    @Test("hop-by-hop fields and the fields Connection names are not forwarded; the rest is, in order")
    func hopByHopStripped() async throws {
        let outgoing = try await sent(
            Request.test(headers: [
                .accept: "text/html", .connection: "keep-alive, X-Secret", .xSecret: "hunter2", .keepAlive: "timeout=5",
                .proxyAuthorization: "Basic Zm9vOmJhcg==", .te: "trailers, gzip", .xTrace: "abc",
            ]))
        #expect(outgoing.head.headerFields == [.accept: "text/html", .xTrace: "abc", .te: "trailers"])
    }

    @Test("a WebSocket upgrade is forwarded with Connection: upgrade and Upgrade")
    func websocket() async throws {
        let outgoing = try await sent(
            Request.test(headers: [.connection: "Upgrade", .upgrade: "websocket", .secWebSocketVersion: "13"]))
        #expect(outgoing.head.headerFields[.connection] == "upgrade")
        #expect(outgoing.head.headerFields[.upgrade] == "websocket")
        #expect(outgoing.head.headerFields[.secWebSocketVersion] == "13")
    }

    @Test("spoofed forwarding fields are replaced by the server and sent upstream once, unchanged")
    func spoofedForwardingUntrusted() async throws {
        let backend = ScriptedBackends([.respond(.ok)])
        let spoofed: HTTPFields = [.xForwardedFor: "6.6.6.6", .xRealIP: "6.6.6.6", .xForwardedProto: "https"]
        _ = try await simulate { runtime in
            let server = ForwardingHeaders.Handler(next: try proxy(backend, runtime: runtime), trusting: .none)
            return try await server.handle(Request.test(headers: spoofed), context: RequestContext.test(runtime))
        }
        let fields = try #require(backend.calls.first).request.head.headerFields
        #expect(fields[values: .xForwardedFor] == ["203.0.113.7"])
        #expect(fields[values: .xRealIP] == ["203.0.113.7"])
        #expect(fields[values: .xForwardedProto] == ["http"])
    }

    @Test("behind a trusted proxy the chain the server built is sent as one line, with no hop appended")
    func forwardingTrusted() async throws {
        let backend = ScriptedBackends([.respond(.ok)])
        _ = try await simulate { runtime in
            let server = ForwardingHeaders.Handler(
                next: try proxy(backend, runtime: runtime), trusting: .privateAndLoopback)
            return try await server.handle(
                Request.test(headers: [.xForwardedFor: "198.51.100.2"]),
                context: RequestContext.test(runtime, peer: "10.0.0.1:40000"))
        }
        let fields = try #require(backend.calls.first).request.head.headerFields
        #expect(fields[values: .xForwardedFor] == ["198.51.100.2, 10.0.0.1"])
        #expect(fields[values: .xRealIP] == ["198.51.100.2"])
    }

    @Test("forwarding lines a middleware repeated are folded, and Connection cannot strip them")
    func forwardingFoldedAndProtected() async throws {
        var fields: HTTPFields = [.connection: "X-Forwarded-For", .xForwardedFor: "203.0.113.7"]
        fields.append(HTTPField(name: .xForwardedFor, value: "192.0.2.1"))
        let outgoing = try await sent(Request.test(headers: fields))
        #expect(outgoing.head.headerFields[values: .xForwardedFor] == ["203.0.113.7, 192.0.2.1"])
    }

    @Test("the request body is forwarded as it is")
    func body() async throws {
        let backend = ScriptedBackends([.respond(.ok)])
        _ = try await simulate { runtime in
            try await proxy(backend, runtime: runtime).handle(
                Request.test(.post, body: HTTPBody(string: "name=parapet")), context: RequestContext.test(runtime))
        }
        #expect(backend.calls.map(\.body) == ["name=parapet"])
        #expect(backend.calls.first?.request.head.method == .post)
    }
}
