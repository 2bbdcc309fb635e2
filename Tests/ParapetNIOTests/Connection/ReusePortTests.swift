import Parapet
import Synchronization
import ParapetTestSupport
import Testing

@Suite("SO_REUSEPORT")
struct ReusePortTests {
    func server(named name: String, port: Int) throws -> Server {
        var configuration = ServerConfiguration.general
        try configuration.bind(to: "127.0.0.1:\(port)")
        configuration.reusePort = true
        let server = Server(configuration: configuration)
        server.use(Endpoint { _, _ in .text(name) })
        return server
    }

    @Test func twoServersShareOnePortAndBothReceiveConnections() async throws {
        let first = try server(named: "first", port: 0)
        try await withRunningServer(first) { address in
            guard case .ip(_, let port) = address else {
                Issue.record("expected an IP listener, got \(address)")
                return
            }
            let second = try server(named: "second", port: Int(port))
            try await withRunningServer(second) { secondAddress in
                #expect(secondAddress == address)
                var seen: Set<String> = []
                for _ in 0..<64 where seen.count < 2 {
                    let client = try await RawHTTPConnection(to: address)
                    try await client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                    seen.insert(try await client.readResponse().body)
                    await client.close()
                }
                #expect(seen == ["first", "second"])
            }
        }
    }

    @Test func withoutReusePortTheSecondBindFails() async throws {
        let first = try server(named: "first", port: 0)
        try await withRunningServer(first) { address in
            guard case .ip(_, let port) = address else {
                Issue.record("expected an IP listener, got \(address)")
                return
            }
            var configuration = ServerConfiguration.general
            try configuration.bind(to: "127.0.0.1:\(port)")
            await #expect(throws: (any Error).self) { try await Server(configuration: configuration).listen() }
        }
    }
}
