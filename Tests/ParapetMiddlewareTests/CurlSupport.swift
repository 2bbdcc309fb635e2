import Foundation
import Parapet

/// Runs the real `curl` (at most 10 s) with `arguments` and returns what it printed.
func curl(_ arguments: [String]) async throws -> String {
    try await runTool("curl", ["--max-time", "10", "-sS"] + arguments)
}

/// Runs the command-line tool `name` found on `PATH` with `arguments` and returns what it printed, without
/// blocking a thread of the cooperative pool: output goes to a temporary file, exit is awaited through the
/// termination handler.
func runTool(_ name: String, _ arguments: [String]) async throws -> String {
    let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("parapet-\(name)-\(UUID().uuidString)")
    guard FileManager.default.createFile(atPath: outputFile.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    defer { try? FileManager.default.removeItem(at: outputFile) }
    let output = try FileHandle(forWritingTo: outputFile)
    defer { try? output.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [name] + arguments
    process.standardOutput = output
    let (exited, continuation) = AsyncStream.makeStream(of: Int32.self)
    process.terminationHandler = { process in
        continuation.yield(process.terminationStatus)
        continuation.finish()
    }
    try process.run()
    _ = await exited.first { _ in true }
    return try String(contentsOf: outputFile, encoding: .utf8)
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
