import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import Parapet
@testable import ParapetNIO
import ParapetTesting
import ParapetTestSupport
import Testing

/// A fresh directory for a unix socket; removed by the caller.
func temporarySocketPath() throws -> (directory: URL, path: String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parapet-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return (directory, directory.appendingPathComponent("s.sock").path)
}

@Suite("Unix-socket and dynamic transports")
struct UnixAndDynamicTransportTests {
    func unixSend(_ transport: any Transport, path: String, scheme: String = "http", _ uri: String) async throws -> Response {
        let head = HTTPRequest(method: .get, scheme: scheme, authority: nil, path: uri)
        return try await transport.roundTrip(UpstreamRequest(head: head, target: path + ":80"), context: testContext).response
    }

    @Test func unixSocketRequestsArePooled() async throws {
        try await withTimeLimit(.seconds(20)) {
            let (directory, path) = try temporarySocketPath()
            defer { try? FileManager.default.removeItem(at: directory) }
            let server = try await MiniHTTPServer.start(unixSocketPath: path) { _, head in
                .respond("\(head.uri) host=\(head.headers.first(name: "host") ?? "-")")
            }
            let unix = UnixSocketTransport()
            for index in 0..<3 {
                let response = try await unixSend(unix, path: path, "/u\(index)")
                #expect(try await text(of: response.body) == "/u\(index) host=localhost")
            }
            #expect(server.acceptedConnections == 1)
            #expect(unix.connectionCounts(path: path) == (open: 1, idle: 1))
            await unix.shutdown()
            await server.stop()
        }
    }

    @Test func aMissingSocketFails() async throws {
        let unix = UnixSocketTransport()
        await #expect(throws: UpstreamError.self) { _ = try await unixSend(unix, path: "/nonexistent/parapet.sock", "/") }
    }

    @Test func theSchemePicksTheTransport() async throws {
        try await withTimeLimit(.seconds(30)) {
            let (directory, path) = try temporarySocketPath()
            defer { try? FileManager.default.removeItem(at: directory) }
            let unixServer = try await MiniHTTPServer.start(unixSocketPath: path) { _, _ in .respond("over unix") }
            let authority = try TestCertificateAuthority()
            let tls = try ServerTLSConfiguration(certificates: [try authority.issue(["localhost"])])
            let dynamic = DynamicTransport(
                options: .init(https: .init(trustRoots: [try authority.root], serverName: "localhost")))
            try await withRunningServer(try Origin.make(.backend)) { cleartext in
                try await withRunningServer(try Origin.make(tls: tls)) { secure in
                    let viaH2C = try await send(dynamic, to: cleartext, .get, "/info", scheme: "h2c")
                    #expect(try await text(of: viaH2C.body).contains(" http2 "))
                    let viaHTTP = try await send(dynamic, to: cleartext, .get, "/info", scheme: "http")
                    #expect(try await text(of: viaHTTP.body).contains(" http1 "))
                    let viaHTTPS = try await send(dynamic, to: secure, .get, "/hello", scheme: "https")
                    #expect(try await text(of: viaHTTPS.body) == "hello")
                    let viaUnix = try await unixSend(dynamic, path: path, scheme: "unix", "/")
                    #expect(try await text(of: viaUnix.body) == "over unix")
                }
            }
            await dynamic.shutdown()
            await unixServer.stop()
        }
    }
}
