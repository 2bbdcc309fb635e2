import Foundation
import NIOCore
import Parapet
import ParapetTestSupport
import Testing

@Suite("HTTP/1.1 server on a real socket")
struct ServerTests {
    func echoServer() throws -> Server {
        let server = try loopbackServer()
        server.use(Around { request, context, next in
            var response = try await next.handle(request, context: context)
            response.headerFields[.server] = "parapet-test"
            return response
        })
        server.use(Cond(if: { request, _ in request.path == "/missing" }, then: Middlewares()))
        server.use(Endpoint { request, context in
            if request.path == "/missing" { return .error(.notFound) }
            let body = try await request.body.collect(upTo: 1 << 20)
            return Response(
                status: .ok,
                headerFields: [
                    .contentType: "text/plain",
                    HTTPField.Name("X-Echo-Method")!: request.method.rawValue,
                    HTTPField.Name("X-Echo-Path")!: request.path ?? "",
                    HTTPField.Name("X-Echo-Authority")!: request.authority ?? "",
                    HTTPField.Name("X-Echo-Forwarded-For")!: request.headerFields[.xForwardedFor] ?? "",
                    HTTPField.Name("X-Echo-Peer")!: context.connection.peer?.ipAddress.map { "\($0)" } ?? "",
                ],
                body: HTTPBody(string: "body=" + String(buffer: body))
            )
        })
        return server
    }

    @Test func keepAliveRequestsOnOneConnection() async throws {
        try await withRunningServer(try echoServer()) { address in
            let client = try await RawHTTPConnection(to: address)

            try await client.send("GET /first?q=1 HTTP/1.1\r\nHost: example.com\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n")
            let first = try await client.readResponse()
            #expect(first.statusLine == "HTTP/1.1 200 OK")
            #expect(first.header("Server") == "parapet-test")
            #expect(first.header("X-Echo-Method") == "GET")
            #expect(first.header("X-Echo-Path") == "/first?q=1")
            #expect(first.header("X-Echo-Authority") == "example.com")
            #expect(first.header("X-Echo-Peer") == "127.0.0.1")
            // Loopback is a trusted proxy in the general profile: the peer is appended.
            #expect(first.header("X-Echo-Forwarded-For") == "6.6.6.6, 127.0.0.1")
            #expect(first.header("Content-Length") == "5")
            #expect(first.header("Connection") == nil)
            #expect(first.body == "body=")

            try await client.send("POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: 11\r\n\r\nhello world")
            let second = try await client.readResponse()
            #expect(second.status == 200)
            #expect(second.header("X-Echo-Method") == "POST")
            #expect(second.body == "body=hello world")

            try await client.send("POST /chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
            #expect(try await client.readResponse().body == "body=abcde")

            try await client.send("GET /missing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            let last = try await client.readResponse()
            #expect(last.status == 404)
            #expect(last.header("Connection") == "close")
            #expect(last.body == "Not Found\n")
            #expect(try await client.readToEnd() == "")
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withRunningServer(try echoServer()) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send(
                "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /3 HTTP/1.1\r\nHost: a\r\n\r\n"
            )
            #expect(try await client.readResponse().header("X-Echo-Path") == "/1")
            let second = try await client.readResponse()
            #expect(second.header("X-Echo-Path") == "/2" && second.body == "body=hi")
            #expect(try await client.readResponse().header("X-Echo-Path") == "/3")
        }
    }

    @Test func unreadRequestBodiesAreDrainedBeforeTheNextRequest() async throws {
        let server = try loopbackServer()
        server.use(Endpoint { request, _ in .text("ignored \(request.path ?? "")") })
        try await withRunningServer(server) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n12345GET /b HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().body == "ignored /a")
            #expect(try await client.readResponse().body == "ignored /b")
        }
    }

    @Test func headAndHTTP10() async throws {
        try await withRunningServer(try echoServer()) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send("HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n")
            let head = try await client.readResponse(expectBody: false)
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "5")
            try await client.send("GET /after-head HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().header("X-Echo-Path") == "/after-head")

            let old = try await RawHTTPConnection(to: address)
            try await old.send("GET /old HTTP/1.0\r\n\r\n")
            let response = try await old.readResponse()
            #expect(response.statusLine.hasPrefix("HTTP/1.0 200"))
            #expect(response.header("Connection") == "close")
            #expect(try await old.readToEnd() == "")
        }
    }

    @Test func malformedRequestLineGets400AndTheServerKeepsServing() async throws {
        try await withRunningServer(try echoServer()) { address in
            let bad = try await RawHTTPConnection(to: address)
            try await bad.send("THIS IS NOT HTTP\r\n\r\n")
            let response = try await bad.readResponse()
            #expect(response.status == 400)
            #expect(try await bad.readToEnd() == "")

            let invalidTarget = try await RawHTTPConnection(to: address)
            try await invalidTarget.send("GET relative/path HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await invalidTarget.readResponse().status == 400)

            let twoHosts = try await RawHTTPConnection(to: address)
            try await twoHosts.send("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
            #expect(try await twoHosts.readResponse().status == 400)

            let good = try await RawHTTPConnection(to: address)
            try await good.send("GET /still-here HTTP/1.1\r\nHost: a\r\n\r\n")
            let ok = try await good.readResponse()
            #expect(ok.status == 200 && ok.header("X-Echo-Path") == "/still-here")
        }
    }

    @Test func absoluteFormTargetsUseTheirAuthority() async throws {
        try await withRunningServer(try echoServer()) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send("GET http://origin.example:8080/p?x=1 HTTP/1.1\r\nHost: ignored\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.header("X-Echo-Authority") == "origin.example:8080")
            #expect(response.header("X-Echo-Path") == "/p?x=1")
        }
    }

    @Test func aHyphenatedMethodKeepsItsName() async throws {
        try await withRunningServer(try echoServer()) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send("M-SEARCH /p HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().header("X-Echo-Method") == "M-SEARCH")
        }
    }

    @Test func handlerErrorsBecome500() async throws {
        struct Boom: Error {}
        let server = try loopbackServer()
        server.use(Endpoint { _, _ in throw Boom() })
        try await withRunningServer(server) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().status == 500)
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().status == 500)
        }
    }

    @Test func streamedResponsesAreChunked() async throws {
        let server = try loopbackServer()
        server.use(Endpoint { _, _ in
            let parts = AsyncStream<ByteBuffer> { continuation in
                for word in ["stream", "ed ", "body"] { continuation.yield(ByteBuffer(string: word)) }
                continuation.finish()
            }
            return Response(status: .ok, body: HTTPBody(stream: parts))
        })
        try await withRunningServer(server) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.header("Transfer-Encoding") == "chunked")
            #expect(response.body == "streamed body")
        }
    }

    @Test func useAfterListenIsReportedByTheNextBuild() async throws {
        let server = try loopbackServer()
        try await withRunningServer(server) { _ in
            server.use(Middlewares())
            #expect(throws: ChainError.usedAfterBuild) { try server.makeHandler() }
        }
    }

    @Test func oneErrorNamesEveryMistakeInTheChainBeforeBinding() async throws {
        let server = try loopbackServer()
        let site = Host("example.com:8080")  // a port in a host name
        site.use(Redirect(to: "https://example.net/", status: .ok))  // not a redirect status
        let http = HTTPClientTransport(options: .init(connectTimeout: .zero))  // no time to connect
        site.use(Upstream(CircuitBreakerBalancer(TargetPool([Target("127.0.0.1:9", transport: http)]))))
        server.use(AccessLog())
        server.use(site)

        let error = await #expect(throws: ChainBuildError.self) { try await server.listen() }
        let problems = try #require(error?.problems)
        #expect(problems.map(\.path) == [
            [#"Host("example.com:8080")"#],
            [#"Host("example.com:8080")"#, "Redirect"],
            [#"Host("example.com:8080")"#, "Upstream", "CircuitBreakerBalancer", "HTTPClientTransport"],
        ])
        #expect(problems.map { ($0.error as? ConfigurationError)?.field } == ["host name", "status", "connectTimeout"])
        let message = "\(try #require(error))"
        for named in ["3 problems", #""example.com:8080""#, "200", "got 0.0 seconds"] {
            #expect(message.contains(named), "\(message) does not name \(named)")
        }
    }

    @Test func invalidConfigurationIsRejectedBeforeBinding() async throws {
        var configuration = ServerConfiguration.general
        configuration.port = -1
        await #expect(throws: ConfigurationError.self) { try await Server(configuration: configuration).listen() }
    }

    @Test func curlGetsAResponseFromTheChain() async throws {
        let server = try loopbackServer()
        server.use(Endpoint { _, _ in .text("hello, curl\n") })
        try await withRunningServer(server) { address in
            let output = try await runCurl(["-sS", "-i", "http://\(address)/"])
            #expect(output.hasPrefix("HTTP/1.1 200 OK"))
            #expect(output.hasSuffix("hello, curl\n"))
        }
    }
}

/// Runs the real `curl` with `arguments` (at most 10 s) and returns what it printed.
func runCurl(_ arguments: [String]) async throws -> String {
    try await runTool("curl", ["--max-time", "10"] + arguments)
}
