import Foundation
import HTTPTypes
import Parapet
import ParapetTesting
import ParapetTestSupport
import Testing

/// The `parapet-example` executable — the reference README's example in Swift — run against local
/// backends and driven with real HTTP requests carrying `Host` and `X-Forwarded-Proto` (the test client
/// is on loopback, which the example's server trusts as a proxy in front of it).
@Suite("parapet-example against local backends")
struct ExampleAcceptanceTests {
    /// Every backend of the example: echoes what it was asked, and sends the fields the example strips.
    static func backend() throws -> Server {
        let server = try loopbackServer(.backend)  // HTTP/1.1 and h2c
        server.use(Endpoint { request, _ in
            var response = Response.text("backend \(request.authority ?? "-") \(request.path ?? "-")")
            response.headerFields[.server] = "origin/1.0"
            response.headerFields[HTTPField.Name("x-goog-hash")!] = "crc32c=abc"
            response.headerFields[HTTPField.Name("x-goog-generation")!] = "1"
            response.headerFields[.strictTransportSecurity] = "max-age=1"
            return response
        })
        return server
    }

    /// Runs the example with every backend pointed at `backend` until `body` returns; `body` gets the
    /// example's address and the file its standard output (the access log) goes to.
    ///
    /// The example binds port 0 and the address is read from its "listening" log line: a port picked
    /// free beforehand can be taken by another test's socket before the example binds it.
    func withExample(backend: NetworkAddress, _ body: (NetworkAddress, URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parapet-example-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("access.log")
        let diagnostics = directory.appendingPathComponent("diagnostics.log")
        for file in [log, diagnostics] {
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: builtExecutable("parapet-example"))
        var environment = ProcessInfo.processInfo.environment
        environment["PARAPET_EXAMPLE_ADDR"] = "127.0.0.1:0"
        for name in ["EXAMPLE", "EXAMPLE_BACKUP", "MYSITE", "WORDPRESS"] {
            environment["PARAPET_EXAMPLE_UPSTREAM_\(name)"] = "http://\(backend)"
        }
        environment["PARAPET_EXAMPLE_UPSTREAM_EXAMPLE1"] = "h2c://\(backend)"
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: diagnostics)
        try process.run()
        defer { kill(process.processIdentifier, SIGKILL) }
        let address = try await withTimeLimit(.seconds(30)) {
            while true {
                if let address = Self.listeningAddress(in: try String(contentsOf: diagnostics, encoding: .utf8)) {
                    return address
                }
                try #require(process.isRunning, "parapet-example exited before listening")
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await body(address, log)
    }

    /// The address in the server's "listening" log line, such as
    /// `… info parapet: address=127.0.0.1:34733 tls=false [ParapetNIO] listening`.
    static func listeningAddress(in diagnostics: String) -> NetworkAddress? {
        for line in diagnostics.split(separator: "\n") where line.hasSuffix(" listening") {
            for field in line.split(separator: " ") where field.hasPrefix("address=") {
                return NetworkAddress(parsing: String(field.dropFirst("address=".count)))
            }
        }
        return nil
    }

    /// `curl -i` with a `Host` and an `X-Forwarded-Proto`, parsed.
    func get(_ address: NetworkAddress, _ path: String, host: String, proto: String = "https") async throws -> RawResponse {
        let output = try await runCurl(["-sS", "-i", "-H", "Host: \(host)", "-H", "X-Forwarded-Proto: \(proto)", "http://\(address)\(path)"])
        let (head, body) = output.split(separator: "\r\n\r\n", maxSplits: 1).map(String.init).pair
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let headers = lines.map { line -> (String, String) in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1].drop { $0 == " " }) : "")
        }
        return RawResponse(statusLine: statusLine, headers: headers, body: body)
    }

    @Test func theExampleBehavesAsTheReadmeSays() async throws {
        try await withTimeLimit(.seconds(60)) {
            try await withRunningServer(try Self.backend()) { backend in
                try await withExample(backend: backend) { example, log in
                    // HTTPS redirect, port and query kept; no HSTS on plain HTTP.
                    let insecure = try await get(example, "/shop?item=1", host: "example.com", proto: "http")
                    #expect(insecure.status == 301)
                    #expect(insecure.header("Location") == "https://example.com/shop?item=1")
                    #expect(insecure.header("Strict-Transport-Security") == nil)

                    // Non-WWW and WWW redirects.
                    let www = try await get(example, "/a", host: "www.example.com")
                    #expect(www.status == 301 && www.header("Location") == "https://example.com/a")
                    let bare = try await get(example, "/b", host: "mysiteaaa.io")
                    #expect(bare.status == 301 && bare.header("Location") == "https://www.mysiteaaa.io/b")

                    // Proxied over HTTPS: HSTS preload, once, replacing the backend's.
                    let proxied = try await get(example, "/page", host: "example.com")
                    #expect(proxied.status == 200)
                    #expect(proxied.body.hasPrefix("backend example.com /page"))
                    #expect(proxied.headers.filter { $0.name.lowercased() == "strict-transport-security" }.map(\.value)
                        == ["max-age=63072000; includeSubDomains; preload"])
                    #expect(proxied.header("X-Request-Id")?.count == 36)

                    // mysite: the storage backend's fields are deleted.
                    let site = try await get(example, "/index.html", host: "www.mysiteaaa.io")
                    #expect(site.status == 200)
                    for name in ["Server", "x-goog-hash", "x-goog-generation"] {
                        #expect(site.header(name) == nil, "\(name) was not deleted")
                    }

                    // The mail host's fixed 302.
                    let mail = try await get(example, "/", host: "mail.mysiteaaa.io")
                    #expect(mail.status == 302 && mail.header("Location") == "https://mail.google.com/a/mysiteaaa.io")

                    // The blog's regexp location sets Cache-Control on assets only.
                    let asset = try await get(example, "/wp-content/theme/style.css", host: "myblogaaa.com")
                    #expect(asset.status == 200 && asset.header("Cache-Control") == "public, max-age=31536000")
                    let article = try await get(example, "/2026/11/hello", host: "myblogaaa.com")
                    #expect(article.status == 200 && article.header("Cache-Control") == nil)

                    // The health check answers, and writes no access-log line.
                    let health = try await get(example, "/healthz", host: "\(example)")
                    #expect(health.status == 200 && health.body == "OK")
                    let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
                    #expect(lines.count == 8)
                    #expect(lines.allSatisfy { $0.contains("\"message\":\"request\"") })
                    #expect(!lines.contains { $0.contains("/healthz") })
                    #expect(lines.contains { $0.contains("\"upstream\":\"\(backend)\"") && $0.contains("\"requestId\":") })

                    // example.com allows 20 requests per second per client: of 100 sent at once, some are
                    // refused with 429 (not all: the first of each window pass).
                    let burst = (0..<100).flatMap { _ in ["-o", "/dev/null", "http://\(example)/burst"] }
                    let statuses = try await runCurl(
                        ["-sS", "--parallel", "--parallel-max", "100", "-w", "%{http_code}\n",
                         "-H", "Host: example.com", "-H", "X-Forwarded-Proto: https"] + burst)
                    let codes = statuses.split(separator: "\n")
                    let refused = codes.filter { $0 == "429" }.count
                    #expect(codes.count == 100 && refused > 0 && refused < 100, "\(refused) of \(codes.count) refused")
                }
            }
        }
    }
}

extension Array where Element == String {
    /// The first two elements (the second empty when missing).
    fileprivate var pair: (String, String) { (first ?? "", count > 1 ? self[1] : "") }
}
