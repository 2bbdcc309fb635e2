import Foundation
import NIOSSL
import Parapet
import ParapetTestSupport
import Testing

@Suite("TLS: certificates, SNI and ALPN")
struct TLSServerTests {
    func tlsServer(_ certificates: [TLSCertificate]) throws -> Server {
        var configuration = ServerConfiguration.frontend
        try configuration.bind(to: "127.0.0.1:0")
        let server = Server(configuration: configuration, tls: try ServerTLSConfiguration(certificates: certificates))
        server.use(Endpoint { request, context in
            let proto = context.connection.httpProtocol.rawValue
            let secure = context.connection.isSecure
            let forwardedProto = request.headerFields[.xForwardedProto] ?? "-"
            return .text("\(proto) secure=\(secure) proto=\(forwardedProto)\n")
        })
        return server
    }

    @Test func selfSignedCertificatesNameTheirHosts() throws {
        let certificate = try TLSCertificate.selfSigned(commonName: "dev", hosts: ["localhost", "127.0.0.1", "::1", "*.dev.test"])
        #expect(certificate.hostNames == ["localhost", "*.dev.test"])
        #expect(certificate.chain.count == 1)
    }

    @Test func pemRoundTripsThroughFilesAndMemory() throws {
        let generated = try TLSCertificate.selfSigned(commonName: "pem.test", hosts: ["pem.test"])
        let certificatePEM = pem(try generated.chain[0].toDERBytes(), label: "CERTIFICATE")
        let keyPEM = pem(try generated.privateKey.derBytes, label: "EC PRIVATE KEY")
        let fromMemory = try TLSCertificate.pem(certificate: certificatePEM, privateKey: keyPEM)
        #expect(fromMemory.hostNames == ["pem.test"])

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parapet-tls-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificateFile = directory.appendingPathComponent("site.crt").path
        let keyFile = directory.appendingPathComponent("site.key").path
        try certificatePEM.write(toFile: certificateFile, atomically: true, encoding: .utf8)
        try keyPEM.write(toFile: keyFile, atomically: true, encoding: .utf8)
        #expect(try TLSCertificate.pem(certificateFile: certificateFile, keyFile: keyFile).hostNames == ["pem.test"])
    }

    @Test func badInputsAreErrorsNamingTheProblem() throws {
        #expect(throws: TLSConfigurationError.self) { try TLSCertificate.pem(certificate: "garbage", privateKey: "garbage") }
        do {
            _ = try TLSCertificate.pem(certificateFile: "/nonexistent/site.crt", keyFile: "/nonexistent/site.key")
            Issue.record("expected an error")
        } catch let error as TLSConfigurationError {
            #expect(error.description.contains("/nonexistent/site.crt"))
        }
        #expect(throws: TLSConfigurationError.noCertificates) { try ServerTLSConfiguration(certificates: []) }
    }

    @Test func curlNegotiatesHTTP2AndHTTP11ByALPN() async throws {
        let server = try tlsServer([try TLSCertificate.selfSigned(commonName: "localhost", hosts: ["localhost", "127.0.0.1"])])
        try await withRunningServer(server) { address in
            let url = "https://\(address)/"
            let h2 = try await runCurl(["-sS", "-k", "--http2", "-w", "%{http_version}", url])
            #expect(h2 == "HTTP/2 secure=true proto=https\n2")
            let h1 = try await runCurl(["-sS", "-k", "--http1.1", "-w", "%{http_version}", url])
            #expect(h1 == "HTTP/1.1 secure=true proto=https\n1.1")
        }
    }

    @Test func sniSelectsTheCertificate() async throws {
        let fallback = try TLSCertificate.selfSigned(commonName: "fallback", hosts: ["fallback.test"])
        let site = try TLSCertificate.selfSigned(commonName: "site", hosts: ["site.test"])
        let wildcard = try TLSCertificate.selfSigned(commonName: "wildcard", hosts: ["*.apps.test"])
        let server = try tlsServer([fallback, site, wildcard])
        let subjects = try await withRunningServer(server) { address -> [String] in
            let port = "\(address)".split(separator: ":").last.map(String.init) ?? ""
            var subjects: [String] = []
            for name in ["site.test", "one.apps.test", "other.test"] {
                let output = try await runCurl(
                    ["-sS", "-k", "-o", "/dev/null", "-w", "%{certs}", "--resolve", "\(name):\(port):127.0.0.1", "https://\(name):\(port)/"]
                )
                subjects.append(output.components(separatedBy: "\n").first { $0.hasPrefix("Subject:") } ?? output)
            }
            return subjects
        }
        #expect(subjects.count == 3)
        #expect(subjects.first?.contains("CN = site") == true)
        #expect(subjects.dropFirst().first?.contains("CN = wildcard") == true)
        #expect(subjects.last?.contains("CN = fallback") == true)
    }

    @Test func plainHTTPOnATLSPortIsRejectedWithoutHarm() async throws {
        let server = try tlsServer([try TLSCertificate.selfSigned(commonName: "localhost", hosts: ["localhost"])])
        try await withRunningServer(server) { address in
            let plain = try await RawHTTPConnection(to: address)
            try await plain.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            _ = try? await plain.readToEnd()
            let h2 = try await runCurl(["-sS", "-k", "--http2", "https://\(address)/"])
            #expect(h2.hasPrefix("HTTP/2"))
        }
    }

    /// `der` as PEM text with `label` (an unencrypted PKCS#8 key is "PRIVATE KEY").
    private func pem(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(base64)\n-----END \(label)-----\n"
    }
}

@Suite("TLS: the client's server name in the request context")
struct TLSServerNameTests {
    @Test func theServerNameTheClientSentReachesTheHandler() async throws {
        var configuration = ServerConfiguration.frontend
        try configuration.bind(to: "127.0.0.1:0")
        let certificate = try TLSCertificate.selfSigned(commonName: "site", hosts: ["site.test", "127.0.0.1"])
        let server = Server(configuration: configuration, tls: try ServerTLSConfiguration(certificates: [certificate]))
        server.use(Endpoint { _, context in
            .text("sni=\(context.connection.tls?.serverName ?? "-") alpn=\(context.connection.tls?.negotiatedProtocol ?? "-")\n")
        })
        try await withRunningServer(server) { address in
            guard case .ip(_, let port) = address else {
                Issue.record("not an IP address: \(address)")
                return
            }
            let resolve = ["--resolve", "site.test:\(port):127.0.0.1"]
            let h1 = try await runCurl(["-sS", "-k", "--http1.1"] + resolve + ["https://site.test:\(port)/"])
            #expect(h1 == "sni=site.test alpn=http/1.1\n")
            let h2 = try await runCurl(["-sS", "-k", "--http2"] + resolve + ["https://site.test:\(port)/"])
            #expect(h2 == "sni=site.test alpn=h2\n")
            // Clients send no server name for an IP address.
            let byAddress = try await runCurl(["-sS", "-k", "--http1.1", "https://127.0.0.1:\(port)/"])
            #expect(byAddress == "sni=- alpn=http/1.1\n")
        }
    }
}
