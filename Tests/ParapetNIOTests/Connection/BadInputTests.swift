import NIOCore
import NIOPosix
import Parapet
import ParapetTestSupport
import ParapetTesting
import Testing

@Suite("Bad input and timeouts never hurt other clients", .timingSensitive)
struct BadInputTests {
    func server(_ adjust: (inout ServerConfiguration) -> Void) throws -> Server {
        var configuration = ServerConfiguration.frontend
        try configuration.bind(to: "127.0.0.1:0")
        adjust(&configuration)
        let server = Server(configuration: configuration)
        server.use(Endpoint { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            return .text("ok \(body.readableBytes)\n")
        })
        return server
    }

    func expectStillServing(_ address: NetworkAddress) async throws {
        let client = try await RawHTTPConnection(to: address)
        try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 200 && response.body == "ok 0\n")
        await client.close()
    }

    @Test func oversizedHeadGets431() async throws {
        let server = try server { $0.maxHeaderBytes = 4096 }
        try await withRunningServer(server) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(String(repeating: "x", count: 8192))\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 431)
            #expect(response.header("Connection") == "close")
            #expect(try await client.readToEnd() == "")

            // Just under the limit is fine.
            let fits = try await RawHTTPConnection(to: address)
            try await fits.send("GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(String(repeating: "x", count: 3000))\r\n\r\n")
            #expect(try await fits.readResponse().status == 200)
            try await expectStillServing(address)
        }
    }

    @Test func garbageGets400() async throws {
        try await withRunningServer(try server { _ in }) { address in
            for garbage in ["\u{0}\u{1}\u{2}\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n"] {
                let client = try await RawHTTPConnection(to: address)
                try await client.send(garbage)
                #expect(try await client.readResponse().status == 400, "\(garbage.debugDescription)")
            }
            try await expectStillServing(address)
        }
    }

    @Test func slowLorisIsClosedAtTheReadHeaderTimeout() async throws {
        // Long enough that the follow-up client below, on a busy machine, still sends its request in time.
        let server = try server { $0.readHeaderTimeout = .seconds(1) }
        try await withRunningServer(server) { address in
            let loris = try await RawHTTPConnection(to: address)
            try await loris.send("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ")
            let clock = ContinuousClock()
            let started = clock.now
            let leftover = try await withTimeLimit(.seconds(10)) { try await loris.readToEnd() }
            #expect(leftover == "")  // closed without a response
            // Closed at the timeout, not at once. The deadline runs from the first byte's arrival, which a
            // busy machine can deliver well before this task read the clock: hence the generous margin.
            #expect(clock.now - started >= .milliseconds(500))
            try await expectStillServing(address)
        }
    }

    @Test func idleKeepAliveConnectionsAreClosed() async throws {
        let server = try server { $0.idleTimeout = .milliseconds(300) }
        try await withRunningServer(server) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            let leftover = try await withTimeLimit(.seconds(10)) { try await client.readToEnd() }
            #expect(leftover == "")
        }
    }

    @Test func abruptResetMidBodyLeavesTheServerServing() async throws {
        try await withRunningServer(try server { _ in }) { address in
            guard case .ip(let ip, let port) = address else {
                Issue.record("expected an IP listener, got \(address)")
                return
            }
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "\(ip)", port: Int(port)).get()
            let socket = try #require(channel as? any SocketOptionProvider)
            try await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            try await channel.writeAndFlush(ByteBuffer(string: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\npartial"))
            try await channel.close()  // SO_LINGER 0: the peer sees a reset
            try await expectStillServing(address)
        }
    }
}
