import Foundation
import NIOCore
import NIOPosix
import Parapet
import ParapetTestSupport
import Testing

/// A loopback port that was free a moment ago (bound and released).
func freeLoopbackPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    return port
}

/// The path of an executable built beside the test bundle (`.build/<config>/`).
func builtExecutable(_ name: String) -> String {
    let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return testBinary.deletingLastPathComponent().appendingPathComponent(name).path
}

/// Whether a TCP connection to `address` is refused (nothing listening).
func isRefused(_ address: NetworkAddress) async -> Bool {
    do {
        let connection = try await TestConnection.open(to: address, timeout: .seconds(1))
        await connection.close()
        return false
    } catch {
        return true
    }
}

/// Runs the command-line tool `name` (found on PATH) with `arguments` and returns what it printed to
/// standard output, without blocking a thread of the cooperative pool (the server under test needs
/// those threads to answer). Records an issue when the tool exits with a failure status.
func runTool(_ name: String, _ arguments: [String]) async throws -> String {
    // Output goes to a temporary file rather than a pipe: reading a pipe while the tool runs would block
    // a thread, and a pipe left unread can fill up and stall the tool.
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
    let status = await exited.first { _ in true } ?? -1
    #expect(status == 0, "\(name) \(arguments.joined(separator: " ")) exited with \(status)")
    return try String(contentsOf: outputFile, encoding: .utf8)
}
