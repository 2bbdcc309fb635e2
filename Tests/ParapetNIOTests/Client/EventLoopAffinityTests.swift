import HTTPTypes
import NIOCore
import NIOPosix
import Parapet
@testable import ParapetNIO
import ParapetTesting
import Synchronization
import ParapetTestSupport
import Testing

@Suite("Event-loop affinity")
struct EventLoopAffinityTests {
    @Test func proxiedRequestsUseUpstreamConnectionsOfTheirOwnEventLoop() async throws {
        try await withTimeLimit(.seconds(30)) {
            let downstreamLoops = Mutex<Set<ObjectIdentifier>>([])
            let upstream = HTTPClientTransport()
            try await withRunningServer(try Origin.make()) { origin in
                let proxy = try loopbackServer()
                proxy.use(Around { request, context, next in
                    if let loop = MultiThreadedEventLoopGroup.currentEventLoop {
                        downstreamLoops.withLock { _ = $0.insert(ObjectIdentifier(loop)) }
                    }
                    return try await next.handle(request, context: context)
                })
                proxy.use(Upstream(SingleHost("\(origin)", transport: upstream), Upstream.Options(retries: 0)))
                try await withRunningServer(proxy) { address in
                    // Several client connections, which the server spreads over its loops.
                    let clients = (0..<4).map { _ in HTTPClientTransport(options: .init(maxConnectionsPerTarget: 1)) }
                    for round in 0..<3 {
                        for client in clients {
                            let response = try await send(client, to: address, .get, "/bytes/\(1000 * (round + 1))")
                            #expect(try await count(response.body) == 1000 * (round + 1))
                        }
                    }
                }
                let seen = downstreamLoops.withLock { $0 }
                #expect(!seen.isEmpty)
                // One upstream connection per downstream loop, each idle on that loop.
                let idle = upstream.client.pool.idleLoops(target: "\(origin)")
                #expect(Set(idle) == seen)
                #expect(idle.count == seen.count)
                #expect(upstream.connectionCounts(target: "\(origin)").open == seen.count)
            }
        }
    }
}
