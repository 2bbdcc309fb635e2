import HTTPTypes
import NIOCore
import Parapet
@testable import ParapetNIO
import ParapetTestSupport
import ParapetTesting
import Testing

@Suite("h2c upstream transport")
struct H2CTransportTests {
    @Test func concurrentRequestsShareOneMultiplexedConnection() async throws {
        try await withTimeLimit(.seconds(30)) {
            let counter = ConnectionCounter()
            let h2c = H2CTransport()
            try await withRunningServer(try Origin.make(.backend, counter: counter)) { origin in
                let bodies = try await withThrowingTaskGroup(of: String.self) { group in
                    for index in 0..<100 {
                        group.addTask { try await text(of: try await send(h2c, to: origin, .get, "/info?n=\(index)").body) }
                    }
                    return try await group.reduce(into: [String]()) { $0.append($1) }
                }
                #expect(bodies.count == 100)
                #expect(bodies.allSatisfy { $0.hasPrefix("GET /info?n=") && $0.contains(" http2 ") })
                #expect(Set(bodies.map { $0.split(separator: " ")[1] }).count == 100)
                #expect(counter.accepted == 1)
                #expect(h2c.connectionCount(target: "\(origin)") == 1)
            }
            await h2c.shutdown()
        }
    }

    @Test(.cpuHeavy) func bodiesStreamBothWays() async throws {
        try await withTimeLimit(.seconds(30)) {
            let h2c = H2CTransport()
            try await withRunningServer(try Origin.make(.backend)) { origin in
                let size = 8 << 20
                let echoed = try await send(h2c, to: origin, .post, "/echo", body: HTTPBody(stream: GeneratedBytes(total: size), length: size))
                #expect(try await count(echoed.body) == size)
                let counted = try await send(h2c, to: origin, .post, "/count", body: HTTPBody(stream: GeneratedBytes(total: size)))
                #expect(try await text(of: counted.body) == "\(size)")
                let small = try await send(h2c, to: origin, .post, "/echo", body: HTTPBody(string: "ping"))
                #expect(try await text(of: small.body) == "ping")
            }
        }
    }

    @Test func upgradeRequestsGoOverHTTP1() async throws {
        try await withTimeLimit(.seconds(20)) {
            let h2c = H2CTransport()
            try await withRunningServer(try Origin.make(.backend)) { origin in
                let response = try await send(
                    h2c, to: origin, .get, "/info", fields: [.connection: "upgrade", .upgrade: "websocket"])
                #expect(try await text(of: response.body).contains(" http1 "))
                #expect(h2c.connectionCount(target: "\(origin)") == 0)
            }
        }
    }

    @Test func cancellingAStreamKeepsTheConnection() async throws {
        try await withTimeLimit(.seconds(20)) {
            let counter = ConnectionCounter()
            let arrived = Signal()
            let h2c = H2CTransport()
            try await withRunningServer(try Origin.make(.backend, counter: counter, arrived: arrived)) { origin in
                let waiting = Task { try await send(h2c, to: origin, .get, "/hang") }
                await arrived.wait()
                waiting.cancel()
                await #expect(throws: CancellationError.self) { try await waiting.value }
                let after = try await send(h2c, to: origin, .get, "/hello")
                #expect(try await text(of: after.body) == "hello")
                #expect(counter.accepted == 1)
            }
        }
    }

    @Test func throughTheProxyChain() async throws {
        try await withTimeLimit(.seconds(20)) {
            let h2c = H2CTransport()
            try await withRunningServer(try Origin.make(.backend)) { origin in
                let proxy = try loopbackServer()
                proxy.use(Upstream(SingleHost("\(origin)", transport: h2c), Upstream.Options(retries: 0)))
                try await withRunningServer(proxy) { address in
                    let client = HTTPClientTransport()
                    let response = try await send(client, to: address, .post, "/echo", body: HTTPBody(stream: GeneratedBytes(total: 1 << 20), length: 1 << 20))
                    #expect(try await count(response.body) == 1 << 20)
                    let info = try await send(client, to: address, .get, "/info")
                    #expect(try await text(of: info.body).contains(" http2 "))
                }
            }
        }
    }

    @Test func aRefusedTargetFails() async throws {
        let h2c = H2CTransport()
        let dead = NetworkAddress.ip(IPAddress("127.0.0.1")!, port: UInt16(try await freeLoopbackPort()))
        await #expect(throws: UpstreamError.self) { _ = try await send(h2c, to: dead) }
        #expect(h2c.connectionCount(target: "\(dead)") == 0)
    }
}
