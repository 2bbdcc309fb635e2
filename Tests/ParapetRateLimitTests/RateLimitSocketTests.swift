import Foundation
import Parapet
import ParapetTestSupport
import Testing

@Suite("RateLimit on a real socket, driven by curl")
struct RateLimitSocketTests {
    @Test func limitedByClientAddressAsTheServerSeesIt() async throws {
        try await withLoopbackServer({ server in
            server.use(RateLimit.slidingWindow(perHour: 1, options: .init(sendsRateLimitFields: true)))
            server.use(Endpoint { _, _ in .text("hello\n") })
        }) { address in
            let url = "http://\(address)/"
            let first = try await curl(["-i", url])
            #expect(first.hasPrefix("HTTP/1.1 200"))
            #expect(first.lowercased().contains("ratelimit-policy: \"sliding-1-per-3600s\";q=1;w=3600\r\n"))
            #expect(first.lowercased().contains("ratelimit: \"sliding-1-per-3600s\";r=0;t="))
            let second = try await curl(["-i", url])
            #expect(second.hasPrefix("HTTP/1.1 429"))
            let retryAfter = second.split(separator: "\r\n").first { $0.lowercased().hasPrefix("retry-after:") }
            let seconds = Int(retryAfter?.dropFirst("retry-after:".count).trimmingCharacters(in: .whitespaces) ?? "")
            #expect((seconds ?? 0) >= 3_600)
            // Loopback is a trusted proxy in the general profile: the client it names is another key.
            let relayed = try await curl([
                "-o", "/dev/null", "-w", "%{http_code}", "-H", "X-Real-IP: 198.51.100.7", url,
            ])
            #expect(relayed == "200")
        }
    }
}

/// Runs the real `curl` (at most 10 s) with `arguments` and returns what it printed, whatever its exit status.
func curl(_ arguments: [String]) async throws -> String {
    try await runProcess("/usr/bin/env", ["curl", "--max-time", "10", "-sS"] + arguments).output
}

/// Runs `body` with `server` listening on 127.0.0.1 (an ephemeral port), then shuts it down.
func withLoopbackServer<T>(
    _ configure: (Server) throws -> Void, _ body: (NetworkAddress) async throws -> T
) async throws -> T {
    var configuration = ServerConfiguration.general
    try configuration.bind(to: "127.0.0.1:0")
    configuration.waitBeforeShutdown = .zero
    let server = Server(configuration: configuration)
    try configure(server)
    let listener = try await server.listen()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await listener.serve() }
        defer { group.cancelAll() }
        return try await body(listener.localAddress)
    }
}
