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
    let (status, output) = try await runProcess("/usr/bin/env", [name] + arguments)
    #expect(status == 0, "\(name) \(arguments.joined(separator: " ")) exited with \(status)")
    return output
}
