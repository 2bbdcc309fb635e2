import Foundation
import NIOCore
import Parapet
import ParapetTestSupport
import ParapetTesting
import Testing

/// The PROXY-protocol hook behind a real HAProxy (Debian's `haproxy` package) on loopback.
///
/// HAProxy connects to Parapet from 127.0.0.2, the only address the hook trusts; curl connects to
/// HAProxy from 127.0.0.3, so the client address Parapet reports can only have come from the header.
@Suite("PROXY protocol behind a real HAProxy", .serialized, .timeLimit(.minutes(1)))
struct ProxyProtocolHAProxyInteropTests {
    static let clientAddress = "127.0.0.3"

    /// A server whose responses say what it learned about the connection.
    func peerEchoServer(_ hook: ProxyProtocol, tls: ServerTLSConfiguration? = nil) throws -> Server {
        var configuration = ServerConfiguration.general
        try configuration.bind(to: "127.0.0.1:0")
        let server = Server(configuration: configuration, tls: tls)
        try server.addConnectionHook(hook)
        server.use(
            Endpoint { request, context in
                var fields = Self.describe(context.connection)
                // What the trusted-proxy rules made of the rewritten peer.
                fields[HTTPField.Name("X-Seen-Forwarded-For")!] = request.headerFields[.xForwardedFor] ?? "-"
                return Response(status: .ok, headerFields: fields, body: HTTPBody(string: "ok"))
            }
        )
        return server
    }

    /// `X-Peer` and, when a header was read, `X-Proxy-*` fields describing it.
    static func describe(_ connection: ConnectionInfo) -> HTTPFields {
        var fields = HTTPFields()
        func set(_ name: String, _ value: String?) {
            if let name = HTTPField.Name(name), let value { fields[name] = value }
        }
        func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
        set("X-Peer", connection.peer.map { "\($0)" } ?? "-")
        set("X-Protocol", connection.httpProtocol.rawValue)
        guard let header = connection.proxyProtocol else {
            set("X-Proxy-Version", "-")
            return fields
        }
        set("X-Proxy-Version", "\(header.version.rawValue)")
        set("X-Proxy-Command", header.command == .local ? "local" : "proxy")
        set("X-Proxy-Checksum", header.isChecksumVerified ? "verified" : "absent")
        set("X-Proxy-Unique-ID", text(header.uniqueID))
        set("X-Proxy-ALPN", text(header.alpn))
        set("X-Proxy-Authority", header.authority)
        set("X-Proxy-TLV-Types", header.tlvs.map { String($0.type, radix: 16) }.joined(separator: ","))
        return fields
    }

    static let request = ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n")

    /// Trusts HAProxy's source address only, not the 127.0.0.1 that direct test clients come from.
    static func trustingHAProxyOnly() throws -> ProxyProtocol {
        try ProxyProtocol(trusting: ["\(HAProxyProcess.sourceAddress)/32"])
    }

    @Test func handlerSeesTheClientAddressThroughEveryHeaderKind() async throws {
        let server = try peerEchoServer(Self.trustingHAProxyOnly())
        try await withRunningServer(server) { address in
            let routes: [HAProxyProcess.Route] = [
                .init(name: "v1", serverOptions: "send-proxy"),
                .init(name: "v2", serverOptions: "send-proxy-v2"),
                .init(name: "v2_crc32c", serverOptions: "send-proxy-v2 proxy-v2-options crc32c"),
                .init(
                    name: "v2_unique_id",
                    serverOptions: "send-proxy-v2 proxy-v2-options crc32c,unique-id",
                    frontendLines: ["unique-id-format parapet-%ci-%cp"]
                ),
            ]
            try await HAProxyProcess.run(routes: routes, to: address) { haproxy in
                for route in routes {
                    let port = try #require(haproxy.ports[route.name])
                    let response = try await curl(["--interface", Self.clientAddress, "http://127.0.0.1:\(port)/"])
                    #expect(response.status == 200, "\(route.name)")
                    #expect(
                        response.headers["x-peer"] == "\(Self.clientAddress):\(response.localPort)", "\(route.name)")
                    #expect(response.headers["x-seen-forwarded-for"] == Self.clientAddress, "\(route.name)")
                    #expect(response.headers["x-proxy-version"] == (route.name == "v1" ? "1" : "2"), "\(route.name)")
                    #expect(response.headers["x-proxy-command"] == "proxy", "\(route.name)")
                    let hasChecksum = route.serverOptions.contains("crc32c")
                    #expect(
                        response.headers["x-proxy-checksum"] == (hasChecksum ? "verified" : "absent"), "\(route.name)")
                    if route.name == "v2_unique_id" {
                        let expected = "parapet-\(Self.clientAddress)-\(response.localPort)"
                        #expect(response.headers["x-proxy-unique-id"] == expected)
                    }
                }
            }
        }
    }

    @Test func unknownAndLocalHeadersKeepTheSocketPeer() async throws {
        let server = try peerEchoServer(Self.trustingHAProxyOnly())
        try await withRunningServer(server) { address in
            // HAProxy cannot name a unix-socket client: v1 sends `PROXY UNKNOWN`, v2 a LOCAL header.
            let routes: [HAProxyProcess.Route] = [
                .init(name: "v1_unix", serverOptions: "send-proxy", listensOnUnixSocket: true),
                .init(
                    name: "v2_unix",
                    serverOptions: "send-proxy-v2 proxy-v2-options crc32c",
                    listensOnUnixSocket: true
                ),
            ]
            try await HAProxyProcess.run(routes: routes, to: address) { haproxy in
                let v1 = try await curl(["--unix-socket", haproxy.socketPath(for: "v1_unix"), "http://parapet.test/"])
                #expect(v1.status == 200)
                #expect(v1.headers["x-peer"]?.hasPrefix("\(HAProxyProcess.sourceAddress):") == true)
                #expect(v1.headers["x-proxy-version"] == "1")
                #expect(v1.headers["x-proxy-command"] == "proxy")

                let v2 = try await curl(["--unix-socket", haproxy.socketPath(for: "v2_unix"), "http://parapet.test/"])
                #expect(v2.status == 200)
                #expect(v2.headers["x-peer"]?.hasPrefix("\(HAProxyProcess.sourceAddress):") == true)
                #expect(v2.headers["x-proxy-version"] == "2")
                #expect(v2.headers["x-proxy-command"] == "local")
                #expect(v2.headers["x-proxy-checksum"] == "verified")
            }
        }
    }

    @Test func tlsFrontendSendsALPNAndAuthority() async throws {
        let server = try peerEchoServer(Self.trustingHAProxyOnly())
        try await withRunningServer(server) { address in
            var route = HAProxyProcess.Route(
                name: "v2_tls",
                serverOptions: "send-proxy-v2 proxy-v2-options crc32c,authority,ssl"
            )
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parapet-tls-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let certificate = try await HAProxyProcess.makeSelfSignedCertificate(in: directory)
            route.bindOptions = "ssl crt \(certificate) alpn http/1.1"
            try await HAProxyProcess.run(routes: [route], to: address) { haproxy in
                let port = try #require(haproxy.ports[route.name])
                let response = try await curl([
                    "--insecure", "--interface", Self.clientAddress,
                    "--resolve", "parapet.test:\(port):127.0.0.1", "https://parapet.test:\(port)/",
                ])
                #expect(response.status == 200)
                #expect(response.headers["x-peer"] == "\(Self.clientAddress):\(response.localPort)")
                #expect(response.headers["x-proxy-alpn"] == "http/1.1")
                #expect(response.headers["x-proxy-authority"] == "parapet.test")
                #expect(response.headers["x-proxy-checksum"] == "verified")
                // ALPN, authority, SSL (kept raw) and the checksum.
                let types = Set(response.headers["x-proxy-tlv-types"]?.split(separator: ",").map(String.init) ?? [])
                #expect(types.isSuperset(of: ["1", "2", "3", "20"]))
            }
        }
    }

    @Test func headerPrecedesParapetsOwnTLSAndHTTP2() async throws {
        let certificate = try TLSCertificate.selfSigned(commonName: "parapet.test", hosts: ["parapet.test"])
        let tls = try ServerTLSConfiguration(certificates: [certificate])
        let server = try peerEchoServer(Self.trustingHAProxyOnly(), tls: tls)
        try await withRunningServer(server) { address in
            // HAProxy passes the TLS bytes through untouched, after its PROXY header.
            let route = HAProxyProcess.Route(
                name: "v2_passthrough", serverOptions: "send-proxy-v2 proxy-v2-options crc32c")
            try await HAProxyProcess.run(routes: [route], to: address) { haproxy in
                let port = try #require(haproxy.ports[route.name])
                for version in ["--http2", "--http1.1"] {
                    let response = try await curl([
                        version, "--insecure", "--interface", Self.clientAddress,
                        "--resolve", "parapet.test:\(port):127.0.0.1", "https://parapet.test:\(port)/",
                    ])
                    #expect(response.status == 200, "\(version)")
                    #expect(response.headers["x-peer"] == "\(Self.clientAddress):\(response.localPort)", "\(version)")
                    #expect(response.headers["x-protocol"] == (version == "--http2" ? "HTTP/2" : "HTTP/1.1"))
                    #expect(response.headers["x-proxy-checksum"] == "verified", "\(version)")
                }
            }
        }
    }

    @Test func untrustedClientsCannotSpoofAnAddress() async throws {
        let server = try peerEchoServer(Self.trustingHAProxyOnly())
        try await withRunningServer(server) { address in
            // Directly from 127.0.0.1, which is not trusted: the header is just a malformed request.
            let v1 = try await RawHTTPConnection(to: address)
            try await v1.send("PROXY TCP4 6.6.6.6 127.0.0.1 6666 80\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
            let v1Response = try await v1.readResponse()
            #expect(v1Response.status == 400)
            #expect(v1Response.header("X-Peer") == nil)

            var v2Spoof = V2HeaderBuilder()
            v2Spoof.addressBlock = [6, 6, 6, 6, 127, 0, 0, 1, 0x1A, 0x0A, 0, 80]
            let v2Outcome = try await exchange(v2Spoof.bytes + Self.request, with: address)
            #expect(v2Outcome.hasPrefix("HTTP/1.1 400"))
            #expect(!v2Outcome.contains("6.6.6.6") && !v2Outcome.contains("200 OK"))

            let plain = try await RawHTTPConnection(to: address)
            try await plain.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            let plainResponse = try await plain.readResponse()
            #expect(plainResponse.header("X-Peer")?.hasPrefix("127.0.0.1:") == true)
            #expect(plainResponse.header("X-Proxy-Version") == "-")

            // Through HAProxy, a header the client adds comes after HAProxy's own: it is request garbage.
            try await HAProxyProcess.run(routes: [.init(name: "v2", serverOptions: "send-proxy-v2")], to: address) {
                haproxy in
                let port = try #require(haproxy.ports["v2"])
                let relayed = try await RawHTTPConnection(
                    to: .ip(try #require(IPAddress("127.0.0.1")), port: UInt16(port)))
                try await relayed.send("PROXY TCP4 6.6.6.6 127.0.0.1 6666 80\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
                let response = try await relayed.readResponse()
                #expect(response.status == 400)
                #expect(response.header("X-Peer") == nil)
            }
        }
    }

    /// What a trusted peer (127.0.0.1 here) sends on each bad connection: a malformed header, then a request
    /// unless the header is cut short (the request would fill it in).
    static let malformedHeaders: [(String, [UInt8])] = [
        ("truncated v1", ascii("PROXY TCP4 192.0.2.1 192.0.2.2 1000")),
        ("truncated v2", Array(V2HeaderBuilder().bytes.prefix(22))),
        ("v2 declared length beyond the data", V2HeaderBuilder(declaredLength: 200).bytes + request),
        ("bad v1 signature", ascii("PROXI TCP4 192.0.2.1 192.0.2.2 1000 80\r\n") + request),
        ("bad v2 signature", ascii("\r\n\r\n\0\r\nQUIZ\n") + V2HeaderBuilder().bytes.dropFirst(12) + request),
        ("v2 length shorter than the address block", V2HeaderBuilder(declaredLength: 8).bytes + request),
        ("v2 version 3", V2HeaderBuilder(versionAndCommand: 0x31).bytes + request),
        ("v2 bad CRC32C", V2HeaderBuilder(tlvs: [(0x03, [0xDE, 0xAD, 0xBE, 0xEF])]).bytes + request),
        ("v1 port out of range", ascii("PROXY TCP4 192.0.2.1 192.0.2.2 65536 80\r\n") + request),
        ("v1 octet out of range", ascii("PROXY TCP4 192.0.2.256 192.0.2.2 1000 80\r\n") + request),
        ("v1 without CRLF in 107 bytes", ascii("PROXY UNKNOWN " + String(repeating: "x", count: 120)) + request),
    ]

    @Test func malformedHeadersCloseOnlyTheirConnection() async throws {
        let hook = try ProxyProtocol(trusting: ["127.0.0.1/32"], isRequired: true, headerTimeout: .milliseconds(500))
        let server = try peerEchoServer(hook)
        try await withRunningServer(server) { address in
            let survivor = try await RawHTTPConnection(to: address)
            try await survivor.send("PROXY TCP4 192.0.2.10 192.0.2.20 4000 80\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await survivor.readResponse().header("X-Peer") == "192.0.2.10:4000")

            for (name, bytes) in Self.malformedHeaders {
                let answer = try await exchange(bytes, with: address)
                #expect(
                    answer.isEmpty,
                    "\(name): the connection should close without a response, got \(answer.debugDescription)")
            }

            // The connection opened before is still served, and new ones are too.
            try await survivor.send("GET /again HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await survivor.readResponse().header("X-Peer") == "192.0.2.10:4000")
            var good = V2HeaderBuilder()
            good.addsChecksum = true
            let answer = try await exchange(
                good.bytes + ascii("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), with: address)
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            #expect(answer.contains("X-Peer: 192.0.2.1:54321\r\n"))
            #expect(answer.contains("X-Proxy-Checksum: verified\r\n"))
        }
    }
}

/// Sends `bytes` on a new connection to `address`; returns all the server sent until it closed (a reset
/// counts as closing). Fails after 10 s.
func exchange(_ bytes: [UInt8], with address: NetworkAddress) async throws -> String {
    try await withTimeLimit(.seconds(10)) {
        let connection = try await TestConnection.open(to: address, timeout: .seconds(5))
        try await connection.write(ByteBuffer(bytes: bytes))
        var received: [UInt8] = []
        do {
            while let chunk = try await connection.read() { received += chunk.readableBytesView }
        } catch {
            // A reset after the server closed ends the exchange like a FIN.
        }
        await connection.close()
        return String(decoding: received, as: UTF8.self)
    }
}

/// One response curl received, with the local port it connected from.
struct CurlResponse {
    var status: Int
    /// Header fields by lowercased name.
    var headers: [String: String]
    var localPort: Int
}

/// Runs the real `curl` (see ``runCurl(_:)``) and parses its `--include` output.
func curl(_ arguments: [String]) async throws -> CurlResponse {
    let output = try await runCurl(
        ["--silent", "--show-error", "--include", "--write-out", "\n%{local_port}"] + arguments)
    let lines = output.components(separatedBy: "\r\n")
    let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
        if line.isEmpty { break }
        let parts = line.split(separator: ":", maxSplits: 1)
        if parts.count == 2 {
            headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
        }
    }
    let localPort = Int(output.split(separator: "\n").last ?? "") ?? -1
    return CurlResponse(status: status, headers: headers, localPort: localPort)
}
