import NIOCore
import Parapet
import ParapetTestSupport
import ParapetTesting
import Testing

@Suite("HTTP/1 protocol upgrades and connection-delimited bodies")
struct ProtocolUpgradeTests {
    /// Answers `Upgrade: echo` with `101` and echoes whatever the client sends afterwards.
    func echoUpgradeServer() throws -> Server {
        let server = try loopbackServer()
        server.use(Endpoint { request, context in
            // Reading the (empty) request body first must not hold up the switch.
            _ = try await request.body.collect(upTo: 1024)
            guard request.headerFields[.upgrade] == "echo", let inbound = context.upgradedInbound else {
                return .text("no upgrade\n")
            }
            return Response(status: .switchingProtocols, headerFields: [.connection: "upgrade", .upgrade: "echo"], body: inbound)
        })
        return server
    }

    @Test func aSwitchedConnectionTunnelsBytesBothWays() async throws {
        try await withRunningServer(try echoUpgradeServer()) { address in
            let client = try await RawHTTPConnection(to: address)
            // The first tunnel bytes travel in the same packet as the request head.
            try await client.send("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nping-1 ")
            let switching = try await client.readResponse(expectBody: false)
            #expect(switching.status == 101)
            #expect(switching.header("Upgrade") == "echo")
            #expect(switching.header("Connection") == "upgrade")
            try await client.send("ping-2")
            let echoed = try await withTimeLimit(.seconds(5)) {
                try await client.read { String(decoding: $0, as: UTF8.self) == "ping-1 ping-2" }
            }
            #expect(echoed)
            // The client hangs up its side: the echo ends and the server closes the connection.
            await client.close()
        }
    }

    @Test func anUpgradeTheHandlerDeclinesIsAnsweredNormallyThenClosed() async throws {
        try await withRunningServer(try echoUpgradeServer()) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: other\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 200 && response.body == "no upgrade\n")
            #expect(response.header("Connection") == "close")
            #expect(try await client.readToEnd() == "")
        }
    }

    @Test(.cpuHeavy) func aLargeCloseDelimitedBodyArrivesWhole() async throws {
        let size = 8 << 20
        let server = try loopbackServer()
        server.use(Endpoint { _, _ in
            let chunk = ByteBuffer(repeating: UInt8(ascii: "z"), count: 64 << 10)
            let chunks = AsyncStream<ByteBuffer> { continuation in
                for _ in 0..<(size / chunk.readableBytes) { continuation.yield(chunk) }
                continuation.finish()
            }
            return Response(status: .ok, body: HTTPBody(stream: chunks))
        })
        try await withRunningServer(server) { address in
            let client = try await RawHTTPConnection(to: address)
            // HTTP/1.0 cannot chunk: the body of unknown length ends when the server closes.
            try await client.send("GET / HTTP/1.0\r\n\r\n")
            let head = try await client.readResponse(expectBody: false)
            #expect(head.header("Connection") == "close")
            let body = try await withTimeLimit(.seconds(20)) { try await client.readToEnd() }
            #expect(body.utf8.count == size)
        }
    }
}
