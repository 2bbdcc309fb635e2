import Foundation
import Parapet
import ParapetTestSupport
import Testing

/// The `h2spec` on `PATH`, if any. It is not packaged for Debian, so `scripts/test.sh` cannot install it: build it
/// from `summerwind/h2spec` with `GO111MODULE=off` against Debian's `golang-*-dev` packages.
private let h2spec: String? = ProcessInfo.processInfo.environment["PATH"]?
    .split(separator: ":")
    .map { "\($0)/h2spec" }
    .first { FileManager.default.isExecutableFile(atPath: $0) }

/// HTTP/2 conformance (RFC 7540/9113 and HPACK) as `h2spec` checks it: every one of its 146 default cases, on
/// the cleartext h2c port and on the TLS port. Skipped — and reported as skipped — where h2spec is not installed.
@Suite("h2spec conformance", .enabled(if: h2spec != nil, "h2spec is not installed (build summerwind/h2spec onto PATH)"), .cpuHeavy)
struct H2SpecTests {
    private func server(_ configuration: ServerConfiguration, tls: ServerTLSConfiguration? = nil) throws -> Server {
        var configuration = configuration
        try configuration.bind(to: "127.0.0.1:0")
        let server = Server(configuration: configuration, tls: tls)
        // h2spec sends bodies to `/` and expects them to be read; the answer must be a 200 with at least five
        // bytes of body, or the flow-control cases are skipped.
        server.use(
            Endpoint { request, _ in
                _ = try await request.body.collect(upTo: 1 << 20)
                return .text("served by parapet\n")
            })
        return server
    }

    private func runH2Spec(_ address: NetworkAddress, tls: Bool) async throws -> String {
        let port = "\(address)".split(separator: ":").last.map(String.init) ?? ""
        let flags = tls ? ["-t", "-k"] : []
        return try await runTool("h2spec", ["-h", "127.0.0.1", "-p", port, "-o", "10"] + flags)
    }

    @Test func everyCasePassesOnTheCleartextPort() async throws {
        let report = try await withRunningServer(try server(.backend)) { try await runH2Spec($0, tls: false) }
        #expect(report.contains("146 tests, 146 passed, 0 skipped, 0 failed"), "\(report.suffix(4000))")
    }

    @Test func everyCasePassesOnTheTLSPort() async throws {
        let certificate = try TLSCertificate.selfSigned(commonName: "localhost", hosts: ["localhost", "127.0.0.1"])
        let tls = try ServerTLSConfiguration(certificates: [certificate])
        let report = try await withRunningServer(try server(.frontend, tls: tls)) { try await runH2Spec($0, tls: true) }
        #expect(report.contains("146 tests, 146 passed, 0 skipped, 0 failed"), "\(report.suffix(4000))")
    }
}
