import Foundation
import Parapet
import ParapetTesting
import ParapetTestSupport
import Testing

@Suite("Hop-by-hop and forwarding fields on real sockets through the proxy")
struct ProxiedHeadersTests {
    /// An origin that answers with hop-by-hop fields of its own (one named by its `Connection`) and the
    /// request head it received as the body.
    static func origin() async throws -> RawOrigin {
        try await RawOrigin.start { head in
            "HTTP/1.1 200 OK\r\nConnection: X-Internal\r\nX-Internal: secret\r\nKeep-Alive: timeout=5\r\n"
                + "Proxy-Authenticate: Basic\r\nX-Kept: yes\r\nContent-Length: \(head.utf8.count)\r\n\r\n\(head)"
        }
    }

    /// The request a client sends: hop-by-hop fields (one named by `Connection`) and forged forwarding
    /// fields.
    static let request =
        "GET /path HTTP/1.1\r\nHost: site.test\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\n"
        + "Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: gzip\r\nUpgrade-Insecure-Requests: 1\r\n"
        + "X-Forwarded-For: 6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\nX-Forwarded-Proto: https\r\n\r\n"

    /// The received head's field lines, lower-cased names, as `name: value`.
    static func fields(of head: String) -> [String] {
        head.components(separatedBy: "\r\n").dropFirst().map { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            return parts[0].lowercased() + ":" + (parts.count > 1 ? String(parts[1]) : "")
        }
    }

    @Test(arguments: [false, true])
    func hopByHopFieldsStopAtTheProxyAndForgedForwardingIsReplaced(trustsClient: Bool) async throws {
        try await withTimeLimit(.seconds(20)) {
            let origin = try await Self.origin()
            let upstream = HTTPClientTransport()
            let proxy = try loopbackServer(trustsClient ? .general : .frontend)
            proxy.use(Upstream(SingleHost("127.0.0.1:\(origin.port)", transport: upstream), Upstream.Options(retries: 0)))
            try await withRunningServer(proxy) { address in
                let client = try await RawHTTPConnection(to: address)
                try await client.send(Self.request)
                let response = try await client.readResponse()
                #expect(response.status == 200)

                // Response side: the origin's hop-by-hop fields stop at the proxy.
                #expect(response.header("X-Kept") == "yes")
                for name in ["X-Internal", "Keep-Alive", "Proxy-Authenticate"] {
                    #expect(response.header(name) == nil, "\(name) leaked to the client")
                }
                #expect(response.header("Connection")?.lowercased() != "x-internal")

                // Request side, as the origin saw it.
                let seen = Self.fields(of: response.body)
                #expect(response.body.hasPrefix("GET /path HTTP/1.1\r\n"))
                #expect(seen.contains("host: site.test"))
                #expect(seen.contains("upgrade-insecure-requests: 1"))
                for name in ["x-secret", "keep-alive", "proxy-connection", "te"] {
                    #expect(!seen.contains { $0.hasPrefix(name + ":") }, "\(name) reached the origin")
                }
                // Each forwarding field exactly once: the client's forgery extended only when it is trusted.
                let forwardedFor = seen.filter { $0.hasPrefix("x-forwarded-for:") }
                let realIP = seen.filter { $0.hasPrefix("x-real-ip:") }
                let proto = seen.filter { $0.hasPrefix("x-forwarded-proto:") }
                if trustsClient {
                    #expect(forwardedFor == ["x-forwarded-for: 6.6.6.6, 127.0.0.1"])
                    #expect(realIP == ["x-real-ip: 6.6.6.6"])
                    #expect(proto == ["x-forwarded-proto: https"])
                } else {
                    #expect(forwardedFor == ["x-forwarded-for: 127.0.0.1"])
                    #expect(realIP == ["x-real-ip: 127.0.0.1"])
                    #expect(proto == ["x-forwarded-proto: http"])
                }
                await client.close()
            }
            await upstream.shutdown()
            await origin.stop()
        }
    }
}
