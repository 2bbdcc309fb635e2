import HTTPTypes
import Logging
import NIOCore
import ParapetCore
import ParapetSimulation
import ParapetTesting
import ParapetUpstream
import Testing

@Suite("Upstream: the response")
struct UpstreamResponseTests {
    @Test("the body streams through: the head is returned before the upstream sent any byte")
    func streaming() async throws {
        let (chunks, upstream) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let backend = ScriptedBackends([
            .respond(.ok, [.contentType: "text/event-stream"], body: HTTPBody(stream: chunks))
        ])
        let received = try await simulate { runtime in
            let response = try await proxy(backend, runtime: runtime).handle(
                Request.test(), context: RequestContext.test(runtime))
            var received = ["head \(response.status.code)"]
            var iterator = response.body.makeAsyncIterator()
            for event in ["data: 1\n\n", "data: 2\n\n"] {
                upstream.yield(ByteBuffer(string: event))
                received.append(String(buffer: try #require(try await iterator.next())))
            }
            upstream.finish()
            received.append(try await iterator.next() == nil ? "end" : "more")
            return received
        }
        #expect(received == ["head 200", "data: 1\n\n", "data: 2\n\n", "end"])
    }

    @Test("an upstream failing mid-body makes the body sequence throw, after the bytes that did arrive")
    func midBodyFailure() async throws {
        let (chunks, upstream) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        upstream.yield(ByteBuffer(string: "partial"))
        upstream.finish(throwing: resetByPeer)
        let backend = ScriptedBackends([.respond(.ok, body: HTTPBody(stream: chunks, length: 1_000))])
        let (status, received, failure) = try await simulate { runtime in
            let response = try await proxy(backend, runtime: runtime).handle(
                Request.test(), context: RequestContext.test(runtime))
            var received = ""
            do {
                for try await chunk in response.body {
                    received += String(buffer: chunk)
                }
                return (response.status, received, "finished cleanly")
            } catch {
                return (response.status, received, "\(error)")
            }
        }
        #expect(status == .ok)
        #expect(received == "partial")
        #expect(failure == "\(resetByPeer)")
        #expect(backend.calls.count == 1)
    }

    @Test("hop-by-hop fields and the fields Connection names are removed from the response")
    func hopByHopStripped() async throws {
        let backend = ScriptedBackends([
            .respond(
                .ok,
                [
                    .connection: "keep-alive, X-Secret", .keepAlive: "timeout=5", .xSecret: "internal",
                    .transferEncoding: "chunked", .trailer: "Expires", .contentType: "text/plain",
                    .proxyAuthenticate: "Basic",
                ])
        ])
        let response = try await simulate { runtime in
            try await proxy(backend, runtime: runtime).handle(Request.test(), context: RequestContext.test(runtime))
        }
        #expect(response.headerFields == [.contentType: "text/plain"])
    }

    @Test("a 101 answering a WebSocket upgrade keeps Connection: upgrade and Upgrade")
    func switchingProtocols() async throws {
        let backend = ScriptedBackends([
            .respond(
                .switchingProtocols,
                [
                    .connection: "Upgrade", .upgrade: "websocket", .secWebSocketAccept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
                ])
        ])
        let request = Request.test(headers: [.connection: "Upgrade", .upgrade: "websocket"])
        let response = try await simulate { runtime in
            try await proxy(backend, runtime: runtime).handle(request, context: RequestContext.test(runtime))
        }
        #expect(response.status == .switchingProtocols)
        #expect(
            response.headerFields == [
                .secWebSocketAccept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", .connection: "upgrade", .upgrade: "websocket",
            ])
    }

    @Test(
        "a 101 to a request that asked for no upgrade, or for another protocol, is a 502",
        arguments: [
            [:], [.connection: "upgrade", .upgrade: "h2c"],
        ] as [HTTPFields])
    func unrequestedSwitch(_ requestFields: HTTPFields) async throws {
        let backend = ScriptedBackends([
            .respond(.switchingProtocols, [.connection: "upgrade", .upgrade: "websocket"])
        ])
        let response = try await simulate { runtime in
            try await proxy(backend, runtime: runtime).handle(
                Request.test(headers: requestFields), context: RequestContext.test(runtime))
        }
        #expect(response.status == .badGateway)
        #expect(backend.calls.count == 1)
    }

    @Test("merge rule: a field a middleware sets on the way out replaces the upstream's, appearing once")
    func middlewareFieldsWin() async throws {
        let backend = ScriptedBackends([
            .respond(.ok, [.strictTransportSecurity: "max-age=1", .vary: "Accept", .server: "backend"])
        ])
        let response = try await simulate { runtime in
            let chain = Middlewares([
                Around { request, context, next in
                    var response = try await next.handle(request, context: context)
                    response.headerFields[.strictTransportSecurity] = "max-age=63072000"
                    response.headerFields.append(HTTPField(name: .vary, value: "Accept-Encoding"))
                    return response
                },
                Upstream(backend),
            ])
            let handler = try chain.wrap(
                Endpoint.notFound, in: ChainEnvironment(runtime: runtime, logger: .init(label: "test")))
            return try await handler.handle(Request.test(), context: RequestContext.test(runtime))
        }
        #expect(response.headerFields[values: .strictTransportSecurity] == ["max-age=63072000"])
        #expect(response.headerFields[values: .vary] == ["Accept", "Accept-Encoding"])
        #expect(response.headerFields[values: .server] == ["backend"])
    }

    @Test("the proxy is terminal: the next handler is never called")
    func terminal() async throws {
        let reached = Recorder<String>()
        let backend = ScriptedBackends([.respond(.ok)])
        let status = try await simulate { runtime in
            let next = Endpoint { _, _ in
                reached.append("next")
                return .error(.notFound)
            }
            let handler = try Upstream(backend).wrap(
                next, in: ChainEnvironment(runtime: runtime, logger: .init(label: "test")))
            return try await handler.handle(Request.test(), context: RequestContext.test(runtime)).status
        }
        #expect(status == .ok)
        #expect(reached.elements.isEmpty)
    }
}
