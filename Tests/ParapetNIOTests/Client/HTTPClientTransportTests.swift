import HTTPTypes
import NIOCore
import NIOHTTP1
import Parapet
@testable import ParapetNIO
import ParapetTestSupport
import ParapetTesting
import Synchronization
import Testing

/// Starts an origin, and a proxy to it whose chain is `Upstream(SingleHost(origin, transport: upstream))`.
func withProxyChain<T>(
    origin: Server, upstream: HTTPClientTransport, options: Upstream.Options = Upstream.Options(retries: 0),
    _ body: (_ proxy: NetworkAddress, _ origin: NetworkAddress) async throws -> T
) async throws -> T {
    try await withRunningServer(origin) { originAddress in
        let proxy = try loopbackServer()
        proxy.use(Upstream(SingleHost("\(originAddress)", transport: upstream), options))
        return try await withRunningServer(proxy) { proxyAddress in
            try await body(proxyAddress, originAddress)
        }
    }
}

@Suite("HTTP/1.1 upstream transport")
struct HTTPClientTransportTests {
    @Test func getAndPostOnARealOrigin() async throws {
        try await withTimeLimit(.seconds(20)) {
            let http = HTTPClientTransport()
            try await withRunningServer(try Origin.make()) { origin in
                let hello = try await send(http, to: origin, .get, "/hello")
                #expect(hello.status == .ok)
                #expect(try await text(of: hello.body) == "hello")
                let echoed = try await send(http, to: origin, .post, "/echo", body: HTTPBody(string: "ping"))
                #expect(echoed.headerFields[.contentLength] == "4")
                #expect(try await text(of: echoed.body) == "ping")
                let info = try await send(http, to: origin, .put, "/info?x=1", fields: [.userAgent: "t"])
                let infoText = try await text(of: info.body)
                #expect(infoText.hasPrefix("PUT /info?x=1 http1 content-length=0;user-agent=t;"))
            }
            await http.shutdown()
        }
    }

    @Test(.cpuHeavy, arguments: [0, 16 << 10, 100 << 20])
    func bodiesBothWaysThroughTheProxy(size: Int) async throws {
        try await withTimeLimit(.seconds(90)) {
            let upstream = HTTPClientTransport()
            let client = HTTPClientTransport()
            try await withProxyChain(origin: try Origin.make(), upstream: upstream) { proxy, _ in
                // Streamed up, echoed back as it arrives.
                let echoed = try await send(
                    client, to: proxy, .post, "/echo", body: HTTPBody(stream: GeneratedBytes(total: size), length: size))
                #expect(echoed.status == .ok)
                #expect(try await count(echoed.body) == size)
                // Chunked (no length) up, counted at the origin.
                let counted = try await send(client, to: proxy, .post, "/count", body: HTTPBody(stream: GeneratedBytes(total: size)))
                #expect(try await text(of: counted.body) == "\(size)")
                // Generated at the origin, counted here: with a length, and chunked.
                let fixed = try await send(client, to: proxy, .get, "/bytes/\(size)")
                #expect(fixed.headerFields[.contentLength] == "\(size)")
                #expect(try await count(fixed.body) == size)
                let chunked = try await send(client, to: proxy, .get, "/chunked/\(size)")
                #expect(try await count(chunked.body) == size)
            }
            await upstream.shutdown()
            await client.shutdown()
        }
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        try await withTimeLimit(.seconds(20)) {
            let counter = ConnectionCounter()
            let http = HTTPClientTransport()
            let client = HTTPClientTransport()
            try await withProxyChain(origin: try Origin.make(counter: counter), upstream: http) { proxy, origin in
                for index in 0..<20 {
                    let response = try await send(client, to: proxy, .get, index.isMultiple(of: 2) ? "/hello" : "/bytes/100000")
                    _ = try await count(response.body)
                }
                #expect(counter.accepted == 1)
                #expect(http.connectionCounts(target: "\(origin)") == (open: 1, idle: 1))
                // Direct requests from outside the event loops reuse it too.
                for _ in 0..<5 { _ = try await text(of: try await send(http, to: origin, .get, "/hello").body) }
                #expect(counter.accepted == 1)
            }
        }
    }

    @Test func concurrentRequestsNeverExceedTheConnectionLimit() async throws {
        try await withTimeLimit(.seconds(60)) {
            let counter = ConnectionCounter()
            let http = HTTPClientTransport(options: .init(maxConnectionsPerTarget: 4))
            try await withRunningServer(try Origin.make(counter: counter)) { origin in
                let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<200 {
                        group.addTask { try await count(try await send(http, to: origin, .get, "/bytes/20000").body) }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(sizes.count == 200 && sizes.allSatisfy { $0 == 20000 })
                #expect(counter.accepted <= 4)
                #expect(counter.maxOpen <= 4)
                #expect(http.connectionCounts(target: "\(origin)").open <= 4)
            }
        }
    }

    @Test func waitersGiveUpWhenCancelled() async throws {
        try await withTimeLimit(.seconds(20)) {
            let arrived = Signal()
            let http = HTTPClientTransport(options: .init(maxConnectionsPerTarget: 1))
            try await withRunningServer(try Origin.make(arrived: arrived)) { origin in
                let holder = Task { try await send(http, to: origin, .get, "/hang") }
                await arrived.wait()
                let waiter = Task { try await send(http, to: origin, .get, "/hello") }
                waiter.cancel()
                await #expect(throws: CancellationError.self) { try await waiter.value }
                holder.cancel()
                _ = try? await holder.value
                // The slot is free again.
                let again = try await send(http, to: origin, .get, "/hello")
                #expect(try await text(of: again.body) == "hello")
            }
        }
    }

    @Test func refusedConnectionFails() async throws {
        try await withTimeLimit(.seconds(20)) {
            let http = HTTPClientTransport()
            let dead = NetworkAddress.ip(IPAddress("127.0.0.1")!, port: UInt16(try await freeLoopbackPort()))
            do {
                _ = try await send(http, to: dead)
                Issue.record("a refused connection succeeded")
            } catch let error as UpstreamError {
                guard case .failed(let target, _) = error else { throw error }
                #expect(target == "\(dead)")
            }
            #expect(http.connectionCounts(target: "\(dead)") == (open: 0, idle: 0))
        }
    }

    @Test func refusedConnectionIsRetriedThenAnswered502() async throws {
        try await withTimeLimit(.seconds(20)) {
            let attempts = Mutex(0)
            let port = try await freeLoopbackPort()
            let proxy = try loopbackServer()
            let options = Upstream.Options(
                retries: 2, backoff: .milliseconds(1), onRoundTrip: { _ in attempts.withLock { $0 += 1 } })
            proxy.use(Upstream(SingleHost("127.0.0.1:\(port)", transport: HTTPClientTransport()), options))
            try await withRunningServer(proxy) { address in
                let response = try await send(HTTPClientTransport(), to: address)
                #expect(response.status == .badGateway)
                #expect(attempts.withLock { $0 } == 3)
            }
        }
    }

    @Test func missingResponseHeadTimesOut() async throws {
        try await withTimeLimit(.seconds(20)) {
            let http = HTTPClientTransport(options: .init(responseHeaderTimeout: .milliseconds(200)))
            try await withProxyChain(origin: try Origin.make(), upstream: http) { proxy, origin in
                await #expect {
                    _ = try await send(http, to: origin, .get, "/hang")
                } throws: { error in
                    guard case .timedOut(let target) = error as? UpstreamError else { return false }
                    return target == "\(origin)"
                }
                let proxied = try await send(HTTPClientTransport(), to: proxy, .get, "/hang")
                #expect(proxied.status == .gatewayTimeout)
            }
        }
    }

    @Test func cancellingTheCallerClosesTheUpstreamConnection() async throws {
        try await withTimeLimit(.seconds(20)) {
            let counter = ConnectionCounter()
            let arrived = Signal()
            let http = HTTPClientTransport()
            try await withRunningServer(try Origin.make(counter: counter, arrived: arrived)) { origin in
                var closes = counter.closedEvents.makeAsyncIterator()
                // While waiting for the head.
                let waiting = Task { try await send(http, to: origin, .get, "/hang") }
                await arrived.wait()
                waiting.cancel()
                await #expect(throws: CancellationError.self) { try await waiting.value }
                #expect(await closes.next() != nil)
                // While reading the body.
                let reading = Task {
                    let response = try await send(http, to: origin, .get, "/bytes/\(64 << 20)")
                    var iterator = response.body.makeAsyncIterator()
                    _ = try await iterator.next()
                    withUnsafeCurrentTask { $0?.cancel() }
                    while try await iterator.next() != nil {}
                }
                await #expect(throws: (any Error).self) { try await reading.value }
                #expect(await closes.next() != nil)
                #expect(counter.accepted == 2)
            }
        }
    }

    @Test func droppingABodyUnreadClosesTheConnection() async throws {
        try await withTimeLimit(.seconds(20)) {
            let counter = ConnectionCounter()
            let http = HTTPClientTransport()
            try await withRunningServer(try Origin.make(counter: counter)) { origin in
                var closes = counter.closedEvents.makeAsyncIterator()
                _ = try await send(http, to: origin, .get, "/bytes/\(8 << 20)")
                #expect(await closes.next() != nil)
                #expect(try await text(of: try await send(http, to: origin, .get, "/hello").body) == "hello")
                #expect(counter.accepted >= 2)  // the dropped body's connection was not reused
            }
        }
    }

    @Test func aMidBodyFailureMakesTheBodyThrow() async throws {
        try await withTimeLimit(.seconds(20)) {
            let http = HTTPClientTransport()
            try await withProxyChain(origin: try Origin.make(), upstream: http) { proxy, origin in
                let direct = try await send(http, to: origin, .get, "/broken")
                #expect(direct.status == .ok)
                await #expect(throws: (any Error).self) { _ = try await count(direct.body) }
                let proxied = try await send(HTTPClientTransport(), to: proxy, .get, "/broken")
                #expect(proxied.status == .ok)
                await #expect(throws: (any Error).self) { _ = try await count(proxied.body) }
            }
        }
    }

    @Test func aStaleKeepAliveConnectionIsRetriedOnceForIdempotentRequests() async throws {
        try await withTimeLimit(.seconds(20)) {
            // Every connection answers its first request and drops the connection on the second.
            let server = try await MiniHTTPServer.start { index, head in
                index == 1 ? .respond("first \(head.uri)") : .close
            }
            let http = HTTPClientTransport()
            let address = NetworkAddress.ip(IPAddress("127.0.0.1")!, port: UInt16(server.port))
            #expect(try await text(of: try await send(http, to: address, .get, "/a").body) == "first /a")
            #expect(try await text(of: try await send(http, to: address, .get, "/b").body) == "first /b")
            #expect(server.acceptedConnections == 2)
            // A POST is not idempotent: the failure is reported.
            await #expect(throws: UpstreamError.self) {
                _ = try await send(http, to: address, .post, "/c", body: HTTPBody(string: "x"))
            }
            await server.stop()
        }
    }

    @Test func idleConnectionsAreClosedAfterTheIdleTimeout() async throws {
        try await withTimeLimit(.seconds(20)) {
            let counter = ConnectionCounter()
            let http = HTTPClientTransport(options: .init(idleTimeout: .milliseconds(100)))
            try await withRunningServer(try Origin.make(counter: counter)) { origin in
                var closes = counter.closedEvents.makeAsyncIterator()
                let hello = try await send(http, to: origin, .get, "/hello")
                #expect(try await text(of: hello.body) == "hello")
                // The origin's own idle timeout is far longer: this close is the client's.
                #expect(await closes.next() != nil)
                #expect(http.connectionCounts(target: "\(origin)") == (open: 0, idle: 0))
            }
        }
    }

    @Test func headResponsesKeepTheirLengthAndReuseTheConnection() async throws {
        try await withTimeLimit(.seconds(20)) {
            let counter = ConnectionCounter()
            let http = HTTPClientTransport()
            try await withRunningServer(try Origin.make(counter: counter)) { origin in
                let head = try await send(http, to: origin, .head, "/bytes/1234")
                #expect(head.headerFields[.contentLength] == "1234")
                #expect(head.body.knownLength == nil)
                #expect(try await count(head.body) == 0)
                #expect(try await count(try await send(http, to: origin, .get, "/bytes/1234").body) == 1234)
                #expect(counter.accepted == 1)
            }
        }
    }

    @Test func optionsAreValidated() async throws {
        let capless = ConfigurationError.invalidValue(
            field: "maxConnectionsPerTarget", reason: "must be at least 1, or nil for no limit")
        #expect(throws: capless) { try HTTPClientTransport(options: .init(maxConnectionsPerTarget: 0)).checkConfiguration() }
        // Used on its own, outside a chain that would have refused to build, it refuses every round trip.
        let unbuilt = HTTPClientTransport(options: .init(maxConnectionsPerTarget: 0))
        let nowhere = NetworkAddress.ip(IPAddress("127.0.0.1")!, port: 9)
        await #expect(throws: capless) { try await send(unbuilt, to: nowhere) }
        #expect(throws: ConfigurationError.self) { try HTTPClientTransport(options: .init(connectTimeout: .zero)).checkConfiguration() }
        #expect(throws: ConfigurationError.self) { try HTTPClientTransport(options: .init(maxIdleConnectionsPerTarget: -1)).checkConfiguration() }
        #expect(throws: ConfigurationError.self) { try HTTPClientTransport(options: .init(responseHeaderTimeout: .seconds(-1))).checkConfiguration() }
        let defaults = HTTPClientTransport.Options()
        #expect(defaults.connectTimeout == .seconds(5) && defaults.maxIdleConnectionsPerTarget == 32)
        #expect(defaults.idleTimeout == .seconds(600) && defaults.responseHeaderTimeout == .seconds(60))
        #expect(defaults.maxConnectionsPerTarget == nil)
    }
}
