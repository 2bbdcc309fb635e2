import Foundation
import NIOHTTP1
import Parapet
import ParapetTesting
import ParapetTestSupport
import Testing

@Suite("The client address on real sockets: forwarding headers, PROXY v2, rate limits")
struct ClientAddressSocketTests {
    /// The per-client quota of the servers below.
    static let limit = 3

    /// An origin answering every request with the `X-Real-IP` lines it received.
    static func origin() async throws -> MiniHTTPServer {
        try await MiniHTTPServer.start { _, head in .respond(head.headers["X-Real-IP"].joined(separator: " | ")) }
    }

    /// From a loopback client (trusted under `.general`): the rightmost untrusted `X-Forwarded-For` entry
    /// is the client, an entry that is not an address leaves the socket peer; either way the origin gets
    /// that client as `X-Real-IP`, and the client is rate-limited — rewriting what lies left of the entry
    /// it cannot forge buys no fresh quota.
    @Test(arguments: [("6.6.6.N, 9.9.9.9", "9.9.9.9"), ("x", "127.0.0.1"), ("N.N.N.N, x", "127.0.0.1")])
    func forwardedClientReachesTheOriginAndIsRateLimited(forwardedFor: String, client: String) async throws {
        try await withTimeLimit(.seconds(30)) {
            let origin = try await Self.origin()
            let upstream = HTTPClientTransport()
            let proxy = try loopbackServer(.general)
            proxy.use(RateLimit.slidingWindow(perHour: Self.limit))
            proxy.use(
                Upstream(SingleHost("127.0.0.1:\(origin.port)", transport: upstream), Upstream.Options(retries: 0)))
            try await withRunningServer(proxy) { address in
                let connection = try await RawHTTPConnection(to: address)
                var statuses: [Int] = []
                var seen: [String] = []
                for attempt in 1...(Self.limit + 1) {
                    let value = forwardedFor.replacingOccurrences(of: "N", with: "\(attempt)")
                    try await connection.send(
                        "GET / HTTP/1.1\r\nHost: site.test\r\nX-Forwarded-For: \(value)\r\n\r\n")
                    let response = try await connection.readResponse()
                    statuses.append(response.status)
                    if response.status == 200 { seen.append(response.body) }
                }
                #expect(statuses == Array(repeating: 200, count: Self.limit) + [429])
                #expect(seen == Array(repeating: client, count: Self.limit))
                await connection.close()
            }
            await upstream.shutdown()
            await origin.stop()
        }
    }

    /// A trusted balancer's PROXY v2 header of the `UNIX` or `UNSPEC` family names no IP client: the
    /// socket peer stays the client, forwarding headers carry it, and per-client limits still apply.
    @Test(arguments: [
        V2HeaderBuilder.unixSocket(source: "/run/lb.sock"), V2HeaderBuilder(family: 0x00, addressBlock: []),
    ])
    func proxyHeaderWithoutAnIPKeepsTheSocketPeer(header: V2HeaderBuilder) async throws {
        try await withTimeLimit(.seconds(30)) {
            let server = try loopbackServer(.general)
            try server.addConnectionHook(ProxyProtocol(trusting: ["127.0.0.0/8"], isRequired: true))
            server.use(RateLimit.slidingWindow(perHour: 1))
            server.use(
                Endpoint { request, _ in
                    let fields = request.headerFields
                    return .text("\(fields[.xRealIP] ?? "-") \(fields[.xForwardedFor] ?? "-")")
                })
            try await withRunningServer(server) { address in
                var statuses: [Int] = []
                for _ in 0..<2 {
                    let connection = try await RawHTTPConnection(to: address)
                    try await connection.send(bytes: header.bytes)
                    try await connection.send("GET / HTTP/1.1\r\nHost: site.test\r\n\r\n")
                    let response = try await connection.readResponse()
                    statuses.append(response.status)
                    if response.status == 200 {
                        #expect(response.body == "127.0.0.1 127.0.0.1")
                    }
                    await connection.close()
                }
                #expect(statuses == [200, 429])
            }
        }
    }
}

extension V2HeaderBuilder {
    /// A `PROXY` header of the `UNIX` family (stream) relaying a client on the socket at `source`.
    static func unixSocket(source: String, destination: String = "/run/parapet.sock") -> V2HeaderBuilder {
        func field(_ path: String) -> [UInt8] { ascii(path) + [UInt8](repeating: 0, count: 108 - path.utf8.count) }
        return V2HeaderBuilder(family: 0x31, addressBlock: field(source) + field(destination))
    }
}
