import Foundation
import Parapet
import Testing

@Suite("FileServer on a real socket, driven by curl")
struct FileServerSocketTests {
    @Test func rangesConditionalsAndTraversalAttempts() async throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try await withLoopbackServer({ server in
            server.use(FileServer(root: site.root.path))
            server.use(Endpoint { _, _ in .error(.notFound) })
        }) { address in
            let base = "http://\(address)"
            #expect(try await curl(["\(base)/hello.txt"]) == "hello, world\n")
            #expect(try await curl(["-r", "7-11", "\(base)/hello.txt"]) == "world")
            let head = try await curl(["-I", "\(base)/hello.txt"])
            #expect(head.contains("content-length: 13\r\n"))
            let etag = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("etag:") }?.dropFirst(6) ?? ""
            let conditional = try await curl(["-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: \(etag)", "\(base)/hello.txt"])
            #expect(conditional == "304")
            // An encoded slash is refused by the server's path rules before the file server sees it.
            let attempts = [
                ("/../secret.txt", "404"), ("/..%2fsecret.txt", "400"), ("/%2e%2e/secret.txt", "404"),
                ("/docs/..%2f..%2fsecret.txt", "400"), ("/leak.txt", "404"),
            ]
            for (attempt, expected) in attempts {
                let status = try await curl(["--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", base + attempt])
                #expect(status == expected, "\(attempt) answered \(status)")
            }
        }
    }
}
