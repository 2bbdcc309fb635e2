import Parapet
import ParapetTestSupport
import Testing

/// `103 Early Hints` on a real socket, as `curl` (HTTP/1.1) and `nghttp` (h2c) see it.
@Suite("EarlyHints on a real socket, seen by curl and nghttp")
struct EarlyHintsSocketTests {
    static let linkField = HTTPField.Name("Link")!

    /// A backend-profile server (HTTP/1.1 and h2c) with `hints` in front of a page that links a preload.
    func withHintingServer(_ hints: EarlyHints, _ body: (NetworkAddress) async throws -> Void) async throws {
        var configuration = ServerConfiguration.backend
        configuration.waitBeforeShutdown = .zero
        let server = try loopbackServer(configuration)
        server.use(hints)
        server.use(
            Endpoint { _, _ in
                var response = Response.text("page")
                response.headerFields[Self.linkField] = "</learned.css>; rel=preload; as=style"
                return response
            })
        try await withRunningServer(server) { address in try await body(address) }
    }

    @Test func curlSeesThePushedHintBeforeTheResponse() async throws {
        try await withHintingServer(.push("</app.css>; rel=preload; as=style")) { address in
            let output = try await curl(["-i", "http://\(address)/"])
            #expect(
                output.hasPrefix(
                    "HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload; as=style\r\n\r\nHTTP/1.1 200 OK\r\n"))
            #expect(output.hasSuffix("page"))
        }
    }

    @Test func curlSeesALearnedHintOnTheSecondRequest() async throws {
        try await withHintingServer(.preload()) { address in
            let first = try await curl(["-i", "http://\(address)/page"])
            #expect(first.hasPrefix("HTTP/1.1 200 OK\r\n"))
            let second = try await curl(["-i", "http://\(address)/page"])
            #expect(
                second.hasPrefix(
                    "HTTP/1.1 103 Early Hints\r\nLink: </learned.css>; rel=preload; as=style\r\n\r\nHTTP/1.1 200 OK\r\n"
                ))
        }
    }

    /// Expects `nghttp -v` to show a `103` carrying `link` before the `200`.
    func expectHint(_ link: String, beforeTheResponseIn output: String) throws {
        let lines = output.split(separator: "\n")
        let early = try #require(lines.firstIndex { $0.hasSuffix(":status: 103") }, "\(output)")
        let final = try #require(lines.firstIndex { $0.hasSuffix(":status: 200") }, "\(output)")
        #expect(early < final)
        #expect(lines[early..<final].contains { $0.hasSuffix("link: \(link)") })
    }

    @Test func nghttpSeesHintsOverH2C() async throws {
        try await withHintingServer(.push("</app.css>; rel=preload; as=style")) { address in
            let output = try await runTool("nghttp", ["-v", "--timeout=10", "http://\(address)/"])
            try expectHint("</app.css>; rel=preload; as=style", beforeTheResponseIn: output)
        }
    }

    @Test func nghttpSeesALearnedHintOverH2C() async throws {
        try await withHintingServer(.preload()) { address in
            _ = try await runTool("nghttp", ["--timeout=10", "http://\(address)/page"])
            let output = try await runTool("nghttp", ["-v", "--timeout=10", "http://\(address)/page"])
            try expectHint("</learned.css>; rel=preload; as=style", beforeTheResponseIn: output)
        }
    }
}
