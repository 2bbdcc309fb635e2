import Foundation
import NIOCore
import Parapet
import ParapetTestSupport
import ParapetTesting
import Testing

@Suite("HTTP semantics at the edges: HEAD, 100-continue, lengths, parse errors, HTTP/2 drain", .timingSensitive)
struct HTTPSemanticsTests {
    @Test func headResponsesKeepTheLengthAProxyDeclared() async throws {
        let server = try loopbackServer(.backend)
        // A proxy relaying HEAD has no body, only the upstream's Content-Length.
        server.use(Endpoint { _, _ in Response(status: .ok, headerFields: [.contentLength: "1234"]) })
        try await withRunningServer(server) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try await client.readResponse(expectBody: false)
            #expect(response.status == 200)
            #expect(response.header("content-length") == "1234")
            let viaHTTP2 = try await runCurl(["-sS", "-I", "--http2-prior-knowledge", "http://\(address)/"])
            #expect(viaHTTP2.hasPrefix("HTTP/2 200"))
        }
    }

    @Test func headOverHTTP2SendsNoBody() async throws {
        let server = try loopbackServer(.backend)
        server.use(Endpoint { _, _ in .text("a body HEAD must not carry\n") })
        try await withRunningServer(server) { address in
            let head = try await runCurl(["-sS", "-I", "--http2-prior-knowledge", "http://\(address)/"])
            #expect(head.hasPrefix("HTTP/2 200"))
            #expect(head.lowercased().contains("content-length: 27"))
        }
    }

    @Test func continueIsSentOnlyWhenTheHandlerReadsTheBody() async throws {
        let server = try loopbackServer()
        server.use(Endpoint { request, _ in
            guard request.path == "/read" else { return .error(.unauthorized) }
            let body = try await request.body.collect(upTo: 1 << 10)
            return .text("got \(body.readableBytes)\n")
        })
        try await withRunningServer(server) { address in
            let reader = try await RawHTTPConnection(to: address)
            try await reader.send("POST /read HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            #expect(try await reader.readResponse(expectBody: false).status == 100)
            try await reader.send("hello")
            #expect(try await reader.readResponse().body == "got 5\n")

            // Refused without reading: no 100, and the connection closes rather than take the upload.
            let refused = try await RawHTTPConnection(to: address)
            try await refused.send("POST /deny HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let response = try await refused.readResponse()
            #expect(response.status == 401)
            #expect(response.header("connection") == "close")
        }
    }

    @Test func aBodyShorterThanItsLengthBreaksTheResponse() async throws {
        let server = try loopbackServer()
        server.use(Endpoint { _, _ in
            let chunks = AsyncStream<ByteBuffer> { continuation in
                continuation.yield(ByteBuffer(string: "only this"))
                continuation.finish()
            }
            return Response(status: .ok, body: HTTPBody(stream: chunks, length: 100))
        })
        try await withRunningServer(server) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            await #expect(throws: (any Error).self) { try await client.readResponse() }
        }
    }

    @Test func aParseErrorAfterAPipelinedRequestWaitsForItsResponse() async throws {
        let server = try loopbackServer()
        server.use(Endpoint { _, context in
            try await context.runtime.clock.sleep(for: .milliseconds(50))
            return .text("first\n")
        })
        try await withRunningServer(server) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\nGARBAGE\r\n\r\n")
            let first = try await client.readResponse()
            #expect(first.status == 200 && first.body == "first\n")
            #expect(first.header("connection") == "close")
            #expect(try await client.readToEnd() == "")
        }
    }

    @Test func shutdownSendsHTTP2ClientsAGoAwayAndClosesIdleConnectionsAtOnce() async throws {
        var configuration = ServerConfiguration.backend
        try configuration.bind(to: "127.0.0.1:0")
        configuration.waitBeforeShutdown = .zero
        configuration.graceTimeout = .seconds(20)
        let server = Server(configuration: configuration)
        server.use(Endpoint { _, _ in .text("ok\n") })
        let listener = try await server.listen()
        let serving = Task { try await listener.serve() }
        let client = try await RawHTTPConnection(to: listener.localAddress)
        try await client.send(bytes: H2CTestBytes.clientPrefaceFrames + RequestStreamingTests.headersFrame(stream: 1, method: "GET", endStream: true))
        let answered = try await withTimeLimit(.seconds(5)) {
            try await client.read { RawHTTP2Frame.frames(in: $0).contains { $0.type == 0x0 && $0.streamID == 1 } }
        }
        #expect(answered)
        let clock = ContinuousClock()
        let started = clock.now
        server.shutdown()
        let goAway = try await withTimeLimit(.seconds(5)) {
            try await client.read { RawHTTP2Frame.frames(in: $0).contains { $0.type == 0x7 } }
        }
        #expect(goAway, "no GOAWAY")
        try await withTimeLimit(.seconds(5)) { try await serving.value }
        #expect(clock.now - started < .seconds(5))  // not the 20 s grace timeout
    }
}
