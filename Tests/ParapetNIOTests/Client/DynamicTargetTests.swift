import HTTPTypes
import Logging
import NIOCore
import Parapet
import ParapetTestSupport
import ParapetTesting
import Synchronization
import Testing

@testable import ParapetNIO

/// Transports with no fixed target on real sockets: a bare transport is no open proxy, `TargetFromHost`
/// is the opt-in, metadata and link-local targets are refused before and after DNS, and idle pools are
/// capped.
@Suite("Dynamic upstream targets on real sockets", .timingSensitive)
struct DynamicTargetTests {
    /// An origin answering `origin <port>` that counts what it served.
    final class Origin: Sendable {
        let server: Server
        private let hits = Mutex(0)
        var served: Int { hits.withLock { $0 } }

        init() throws {
            server = try loopbackServer()
            server.use(
                Endpoint { [self] request, _ in
                    hits.withLock { $0 += 1 }
                    return .text("origin \(request.authority ?? "-")")
                })
        }
    }

    func proxy(_ transport: any Transport) throws -> Server {
        let proxy = try loopbackServer()
        proxy.use(Upstream(transport, Upstream.Options(retries: 0)))
        return proxy
    }

    /// A GET through the proxy at `proxy` with `Host: host`.
    func get(_ proxy: NetworkAddress, host: String) async throws -> RawResponse {
        let client = try await RawHTTPConnection(to: proxy)
        try await client.send("GET /x HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
        let response = try await client.readResponse()
        await client.close()
        return response
    }

    @Test func aBareTransportNoLongerProxiesToTheClientsHost() async throws {
        let origin = try Origin()
        try await withRunningServer(origin.server) { originAddress in
            try await withRunningServer(try proxy(HTTPClientTransport())) { proxyAddress in
                let response = try await get(proxyAddress, host: "\(originAddress)")
                #expect(response.status == 502)
                #expect(origin.served == 0)
            }
        }
    }

    @Test func targetFromHostIsTheOptInAndRefusesMetadataAddresses() async throws {
        let origin = try Origin()
        let transport = TargetFromHost(transport: HTTPClientTransport())
        try await withRunningServer(origin.server) { originAddress in
            try await withRunningServer(try proxy(transport)) { proxyAddress in
                let allowed = try await get(proxyAddress, host: "\(originAddress)")
                #expect(allowed.status == 200 && allowed.body == "origin \(originAddress)")
                for host in [
                    "169.254.169.254", "169.254.169.254:80", "[fe80::1]:8080", "metadata.google.internal",
                    "[::ffff:169.254.169.254]",
                ] {
                    let refused = try await withTimeLimit(.seconds(5)) { try await get(proxyAddress, host: host) }
                    #expect(refused.status == 403, "\(host)")
                }
                #expect(origin.served == 1)
            }
        }
    }

    /// Answers `names[host]` in turn: the first lookup gets the first address, the next the second, …
    final class RebindingResolver: Resolver {
        private let answers: Mutex<[String: [IPAddress]]>

        init(_ answers: [String: [String]]) {
            self.answers = Mutex(answers.mapValues { $0.compactMap { IPAddress($0) } })
        }

        func resolve(host: String, port: UInt16) async throws -> [NetworkAddress] {
            let address = answers.withLock { table -> IPAddress? in
                guard var queue = table[host], !queue.isEmpty else { return nil }
                let next = queue.removeFirst()
                table[host] = queue.isEmpty ? [next] : queue
                return next
            }
            guard let address else { throw UpstreamInvalidTarget(target: host) }
            return [.ip(address, port: port)]
        }
    }

    /// A request for `host:port` through `TargetFromHost` over `transport`, resolving with `resolver`.
    func resolveAndSend(through transport: any Transport, host: String, port: UInt16, resolver: any Resolver)
        async throws
        -> Response
    {
        var runtime = Runtime.system
        runtime.resolver = resolver
        let context = RequestContext(
            connection: ConnectionInfo(peer: nil),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            runtime: runtime)
        let head = HTTPRequest(method: .get, scheme: "http", authority: "\(host):\(port)", path: "/")
        return try await TargetFromHost(transport: transport).roundTrip(UpstreamRequest(head: head), context: context)
            .response
    }

    @Test(arguments: ["http/1.1", "h2c"])
    func aNameResolvedOrReboundToARefusedAddressIsRefusedBeforeItIsDialled(protocol name: String) async throws {
        let server = try loopbackServer(.backend)
        server.use(Endpoint { _, _ in .text("origin") })
        try await withRunningServer(server) { address in
            let port = try #require(address.port)
            // Without keep-alive every HTTP/1.1 request resolves and dials anew; an h2c connection stays
            // open for its target, so only a new name is looked up again.
            let transport: any Transport =
                name == "h2c"
                ? H2CTransport() : HTTPClientTransport(options: .init(maxIdleConnectionsPerTarget: 0))
            let resolver = RebindingResolver([
                "rebound.test": ["127.0.0.1", "169.254.169.254"], "metadata-alias.test": ["fe80::1"],
            ])
            let first = try await resolveAndSend(
                through: transport, host: "rebound.test", port: port, resolver: resolver)
            #expect(first.status == .ok)
            #expect(try await text(of: first.body) == "origin")
            for host in name == "h2c" ? ["metadata-alias.test"] : ["rebound.test", "metadata-alias.test"] {
                let error = await #expect(throws: UpstreamError.self) {
                    _ = try await withTimeLimit(.seconds(5)) {
                        try await resolveAndSend(through: transport, host: host, port: port, resolver: resolver)
                    }
                }
                guard case .failed(_, let underlying as UpstreamTargetRefused) = error else {
                    Issue.record("\(name) \(host): \(String(describing: error))")
                    continue
                }
                #expect(underlying.status == .forbidden)
                #expect(underlying.target == "\(host):\(port)")
            }
        }
    }

    @Test func atMostMaxPooledTargetsKeepIdleConnectionsTheLeastRecentlyUsedIsClosed() async throws {
        let origins = try (0..<3).map { _ in try Origin() }
        try await withRunningServer(origins[0].server) { a in
            try await withRunningServer(origins[1].server) { b in
                try await withRunningServer(origins[2].server) { c in
                    let http = HTTPClientTransport(options: .init(maxPooledTargets: 2))
                    for address in [a, b, a, c] {
                        let response = try await send(http, to: address)
                        #expect(try await text(of: response.body) == "origin \(address)")
                    }
                    // a was used after b, so b — the least recently used — gave up its idle connection.
                    #expect(http.connectionCounts(target: "\(a)").idle == 1)
                    #expect(http.connectionCounts(target: "\(b)").idle == 0)
                    #expect(http.connectionCounts(target: "\(c)").idle == 1)
                    #expect(http.client.pool.pooledTargetCount == 2)
                    #expect(throws: ConfigurationError.self) {
                        try HTTPClientTransport(options: .init(maxPooledTargets: 0)).checkConfiguration()
                    }
                }
            }
        }
    }
}

extension DynamicTargetTests {
    @Test func anH2CTransportRetiresTheLeastRecentlyUsedTargetsConnection() async throws {
        let servers = try (0..<3).map { _ in
            let server = try loopbackServer(.backend)
            server.use(Endpoint { request, _ in .text("origin \(request.authority ?? "-")") })
            return server
        }
        try await withRunningServer(servers[0]) { a in
            try await withRunningServer(servers[1]) { b in
                try await withRunningServer(servers[2]) { c in
                    let h2c = H2CTransport(options: .init(maxPooledTargets: 2))
                    for address in [a, b, a, c] {
                        let response = try await send(h2c, to: address)
                        #expect(try await text(of: response.body) == "origin \(address)")
                    }
                    #expect(h2c.connectionCount(target: "\(a)") == 1)
                    #expect(h2c.connectionCount(target: "\(b)") == 0)
                    #expect(h2c.connectionCount(target: "\(c)") == 1)
                    // b is asked for again: a new connection, and a (now least recent) is retired.
                    _ = try await text(of: try await send(h2c, to: b).body)
                    #expect(h2c.connectionCount(target: "\(a)") == 0)
                    #expect(throws: ConfigurationError.self) { try H2CTransport(options: .init(maxPooledTargets: 0)).checkConfiguration() }
                }
            }
        }
    }
}

extension NetworkAddress {
    /// The TCP port, when this is an IP endpoint.
    var port: UInt16? {
        if case .ip(_, let port) = self { return port }
        return nil
    }
}
