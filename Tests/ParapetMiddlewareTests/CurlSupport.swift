import Foundation
import Parapet
import ParapetTestSupport

/// Runs the real `curl` (at most 10 s) with `arguments` and returns what it printed.
func curl(_ arguments: [String]) async throws -> String {
    try await runTool("curl", ["--max-time", "10", "-sS"] + arguments)
}

/// Runs the command-line tool `name` found on `PATH` with `arguments` and returns what it printed, whatever
/// its exit status (a test reads the output to judge).
func runTool(_ name: String, _ arguments: [String]) async throws -> String {
    try await runProcess("/usr/bin/env", [name] + arguments).output
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
