import HTTPTypes
import NIOCore
import NIOSSL
import Parapet
@testable import ParapetNIO
import ParapetTesting
import ParapetTestSupport
import Testing

@Suite("HTTPS upstream transport")
struct HTTPSTransportTests {
    /// An origin presenting `other.example`'s certificate by default and `localhost`'s to clients that
    /// ask for it by SNI.
    func tlsOrigin(offersHTTP2: Bool = true, counter: ConnectionCounter? = nil) throws -> (Server, [NIOSSLCertificate]) {
        let authority = try TestCertificateAuthority()
        let other = try authority.issue(["other.example"])
        let localhost = try authority.issue(["localhost"])
        let tls = try ServerTLSConfiguration(certificates: [other, localhost], offersHTTP2: offersHTTP2)
        return (try Origin.make(tls: tls, counter: counter), [try authority.root])
    }

    @Test func http2IsNegotiatedAndSNISelectsTheCertificate() async throws {
        try await withTimeLimit(.seconds(30)) {
            let counter = ConnectionCounter()
            let (origin, roots) = try tlsOrigin(counter: counter)
            let https = HTTPSTransport(options: .init(trustRoots: roots, serverName: "localhost"))
            try await withRunningServer(origin) { address in
                let first = try await send(https, to: address, .get, "/info", scheme: "https")
                #expect(first.status == .ok)
                #expect(try await text(of: first.body).contains(" http2 "))
                #expect(https.usesHTTP2(target: "\(address)"))
                let bodies = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<20 {
                        group.addTask {
                            try await count(try await send(https, to: address, .post, "/echo", body: HTTPBody(stream: GeneratedBytes(total: 100_000), length: 100_000), scheme: "https").body)
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(bodies == Array(repeating: 100_000, count: 20))
                #expect(counter.accepted == 1)
            }
        }
    }

    @Test func http1IsUsedWhenTheUpstreamOffersOnlyIt() async throws {
        try await withTimeLimit(.seconds(30)) {
            let counter = ConnectionCounter()
            let (origin, roots) = try tlsOrigin(offersHTTP2: false, counter: counter)
            let https = HTTPSTransport(options: .init(trustRoots: roots, serverName: "localhost"))
            try await withRunningServer(origin) { address in
                for _ in 0..<3 {
                    let response = try await send(https, to: address, .get, "/info", scheme: "https")
                    #expect(try await text(of: response.body).contains(" http1 "))
                }
                #expect(!https.usesHTTP2(target: "\(address)"))
                #expect(counter.accepted == 1)
            }
        }
    }

    @Test func anUntrustedCertificateFails() async throws {
        try await withTimeLimit(.seconds(30)) {
            let (origin, roots) = try tlsOrigin()
            try await withRunningServer(origin) { address in
                // No trust roots for the self-signed certificates: the system's do not know them.
                let untrusting = HTTPSTransport(options: .init(serverName: "localhost"))
                await #expect {
                    _ = try await send(untrusting, to: address, .get, "/hello", scheme: "https")
                } throws: { error in
                    guard case .failed = error as? UpstreamError else { return false }
                    return true
                }
                // Trusted roots, but the name the default certificate carries is not the one asked for.
                let wrongName = HTTPSTransport(options: .init(trustRoots: roots, serverName: "elsewhere.example"))
                await #expect(throws: UpstreamError.self) {
                    _ = try await send(wrongName, to: address, .get, "/hello", scheme: "https")
                }
                // Verification off: accepted.
                let insecure = HTTPSTransport(options: .init(insecureSkipVerify: true))
                let response = try await send(insecure, to: address, .get, "/hello", scheme: "https")
                #expect(try await text(of: response.body) == "hello")
            }
        }
    }

    @Test func optionsAreValidated() {
        #expect(throws: ConfigurationError.self) { try HTTPSTransport(options: .init(serverName: "10.0.0.1")).checkConfiguration() }
        #expect(throws: ConfigurationError.self) { try HTTPSTransport(options: .init(trustRoots: [])).checkConfiguration() }
        #expect(throws: ConfigurationError.self) { try HTTPSTransport(options: .init(tlsHandshakeTimeout: .zero)).checkConfiguration() }
        #expect(HTTPSTransport.Options().insecureSkipVerify == false)
    }
}
