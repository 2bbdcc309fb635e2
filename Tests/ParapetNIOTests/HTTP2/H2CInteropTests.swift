import Foundation
import NIOCore
import Parapet
import ParapetTestSupport
import Testing

/// One cleartext port of the backend profile serves HTTP/1.1, h2c by prior knowledge and h2c by
/// `Upgrade`, all through the same middleware chain.
@Suite("h2c with real clients", .cpuHeavy)
struct H2CInteropTests {
    func backendServer() throws -> Server {
        var configuration = ServerConfiguration.backend
        try configuration.bind(to: "127.0.0.1:0")
        let server = Server(configuration: configuration)
        server.use(Around { request, context, next in
            var response = try await next.handle(request, context: context)
            response.headerFields[HTTPField.Name("X-Chain")!] = "ran"
            return response
        })
        server.use(Endpoint { request, context in
            let body = try await request.body.collect(upTo: 1 << 20)
            return .text("\(context.connection.httpProtocol.rawValue) \(request.method) \(request.path ?? "") \(body.readableBytes)\n")
        })
        return server
    }

    @Test func curlSpeaksEveryProtocolOnOnePort() async throws {
        try await withRunningServer(try backendServer()) { address in
            let url = "http://\(address)/p?x=1"
            let format = ["-w", "|%{http_version}"]
            let h1 = try await runCurl(["-sS"] + format + [url])
            #expect(h1 == "HTTP/1.1 GET /p?x=1 0\n|1.1")

            let priorKnowledge = try await runCurl(["-sS", "--http2-prior-knowledge"] + format + [url])
            #expect(priorKnowledge == "HTTP/2 GET /p?x=1 0\n|2")

            let upgraded = try await runCurl(["-sS", "--http2", "-i"] + format + [url])
            #expect(upgraded.hasPrefix("HTTP/1.1 101 Switching Protocols"))
            #expect(upgraded.contains("x-chain: ran"))
            #expect(upgraded.hasSuffix("HTTP/2 GET /p?x=1 0\n|2"))

            // An upgrade request with a body is served over HTTP/1.1, and the next request still works.
            let withBody = try await runCurl(["-sS", "--http2", "--data", "hello=world"] + format + [url, url])
            #expect(withBody == "HTTP/1.1 POST /p?x=1 11\n|1.1HTTP/1.1 POST /p?x=1 11\n|1.1")
        }
    }

    @Test func h2loadCompletesThousandsOfMultiplexedRequests() async throws {
        try await withRunningServer(try backendServer()) { address in
            let report = try await runTool("h2load", ["-n", "4000", "-c", "4", "-m", "16", "http://\(address)/load"])
            #expect(report.contains("Application protocol: h2c"))
            #expect(report.contains("requests: 4000 total, 4000 started, 4000 done, 4000 succeeded, 0 failed, 0 errored"))
            #expect(report.contains("status codes: 4000 2xx"))
        }
    }

    @Test func h2loadOverHTTP11Pipelining() async throws {
        try await withRunningServer(try backendServer()) { address in
            let report = try await runTool("h2load", ["--h1", "-n", "2000", "-c", "4", "-m", "8", "http://\(address)/"])
            #expect(report.contains("2000 succeeded, 0 failed, 0 errored"))
        }
    }

    @Test func generalProfileDoesNotSpeakH2C() async throws {
        var configuration = ServerConfiguration.general
        try configuration.bind(to: "127.0.0.1:0")
        let server = Server(configuration: configuration)
        server.use(Endpoint { _, context in .text(context.connection.httpProtocol.rawValue) })
        try await withRunningServer(server) { address in
            // curl asks to upgrade; the server answers over HTTP/1.1 instead.
            let answer = try await runCurl(["-sS", "--http2", "-w", "|%{http_version}", "http://\(address)/"])
            #expect(answer == "HTTP/1.1|1.1")
        }
    }
}
