import Foundation
import Parapet

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real `haproxy` in TCP mode on loopback, relaying to a server under test with a PROXY header.
///
/// Each ``Route`` gets its own frontend and a backend with one server line. Every backend connects from
/// ``sourceAddress``, so the server under test can trust exactly that address. The process runs under
/// `timeout`, so even a crashed test run cannot leave it behind for more than two minutes, and is killed
/// as soon as the test body returns or throws.
struct HAProxyProcess {
    struct Route {
        var name: String
        /// Options after `server parapet HOST:PORT`, e.g. `send-proxy-v2 proxy-v2-options crc32c`.
        var serverOptions: String
        /// Options after the `bind` address, e.g. `ssl crt …`.
        var bindOptions = ""
        /// Extra frontend lines, e.g. `unique-id-format …`.
        var frontendLines: [String] = []
        /// Whether the frontend listens on a unix socket (see ``HAProxyProcess/socketPath(for:)``) instead
        /// of a loopback port; HAProxy then has no client address to send.
        var listensOnUnixSocket = false
    }

    /// The address haproxy connects to the server from.
    static let sourceAddress = "127.0.0.2"

    let directory: URL
    /// The frontend port of each TCP route, by name.
    let ports: [String: Int]

    /// Starts haproxy relaying `routes` to `server`, runs `body`, and always stops haproxy afterwards.
    ///
    /// The ports are free when chosen, but a test running beside this one can take one (as the local port of
    /// an outgoing connection) before haproxy binds it; haproxy then starts again on other ports.
    static func run<T>(
        routes: [Route],
        to server: NetworkAddress,
        _ body: (HAProxyProcess) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await runOnce(routes: routes, to: server, body)
            } catch HAProxyError.failedToStart(let log) where log.contains("Address already in use") && attempt < 3 {
                attempt += 1
            }
        }
    }

    private static func runOnce<T>(
        routes: [Route],
        to server: NetworkAddress,
        _ body: (HAProxyProcess) async throws -> T
    ) async throws -> T {
        let executable = try findExecutable()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parapet-haproxy-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var ports: [String: Int] = [:]
        for route in routes where !route.listensOnUnixSocket {
            ports[route.name] = try await freeLoopbackPort()
        }
        let readyPort = try await freeLoopbackPort()
        let haproxy = HAProxyProcess(directory: directory, ports: ports)
        let configuration = directory.appendingPathComponent("haproxy.cfg")
        try haproxy.configuration(routes: routes, server: server, readyPort: readyPort)
            .write(to: configuration, atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("haproxy.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        defer { try? logHandle.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["timeout", "--kill-after=5", "120", executable, "-f", configuration.path, "-db"]
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        // Processes spawned from the test runner's threads inherit a signal mask that blocks SIGTERM, and
        // `timeout` never unblocks it; SIGKILL to the process group `timeout` leads (haproxy is in it)
        // cannot be blocked.
        func stop() {
            if process.isRunning {
                _ = kill(-process.processIdentifier, SIGKILL)
                _ = kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
        }
        do {
            try await waitUntilListening(port: readyPort, process: process, log: log)
            let result = try await body(haproxy)
            stop()
            return result
        } catch {
            stop()
            throw error
        }
    }

    /// The unix socket a ``Route/listensOnUnixSocket`` route's frontend listens on.
    func socketPath(for name: String) -> String {
        directory.appendingPathComponent("\(name).sock").path
    }

    /// Writes a self-signed certificate and key for `parapet.test` into one PEM file in `directory`, for
    /// `bind … ssl crt`; returns its path.
    static func makeSelfSignedCertificate(in directory: URL) async throws -> String {
        let key = directory.appendingPathComponent("key.pem").path
        let certificate = directory.appendingPathComponent("cert.pem").path
        let combined = directory.appendingPathComponent("parapet.test.pem").path
        let status = try await runToCompletion([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-subj", "/CN=parapet.test",
            "-addext", "subjectAltName=DNS:parapet.test", "-days", "1",
        ])
        guard status == 0 else { throw HAProxyError.toolFailed("openssl req", status: status) }
        let pem =
            try String(contentsOfFile: certificate, encoding: .utf8) + String(contentsOfFile: key, encoding: .utf8)
        try pem.write(toFile: combined, atomically: true, encoding: .utf8)
        return combined
    }

    private func configuration(routes: [Route], server: NetworkAddress, readyPort: Int) -> String {
        var lines = [
            "global",
            "    maxconn 64",
            "    nbthread 1",
            "defaults",
            "    mode tcp",
            "    timeout connect 5s",
            "    timeout client 20s",
            "    timeout server 20s",
            // Accepts once every listener is bound, then drops the connection: the readiness probe.
            "frontend ready",
            "    bind 127.0.0.1:\(readyPort)",
            "    tcp-request connection reject",
        ]
        for route in routes {
            let address =
                route.listensOnUnixSocket
                ? "unix@\(socketPath(for: route.name))" : "127.0.0.1:\(ports[route.name] ?? 0)"
            lines += ["frontend \(route.name)", "    bind \(address) \(route.bindOptions)"]
            lines += route.frontendLines.map { "    " + $0 }
            lines += [
                "    default_backend \(route.name)",
                "backend \(route.name)",
                "    server parapet \(server) \(route.serverOptions) source \(Self.sourceAddress)",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func findExecutable() throws -> String {
        let candidates = ["/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy", "/usr/local/bin/haproxy"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw HAProxyError.notInstalled
        }
        return path
    }

    private static func waitUntilListening(port: Int, process: Process, log: URL) async throws {
        let readiness = NetworkAddress.ip(.v4(0x7F00_0001), port: UInt16(clamping: port))
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { break }
            if await !isRefused(readiness) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HAProxyError.failedToStart((try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// Runs a command to completion without blocking a thread of the cooperative pool; returns its status.
    private static func runToCompletion(_ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }
}

enum HAProxyError: Error, CustomStringConvertible {
    case notInstalled
    case failedToStart(String)
    case toolFailed(String, status: Int32)

    var description: String {
        switch self {
        case .notInstalled: "haproxy is not installed (Debian: apt-get install haproxy); scripts/test.sh installs it"
        case .failedToStart(let log): "haproxy did not start within 30 s: \(log)"
        case .toolFailed(let command, let status): "`\(command)` exited with \(status)"
        }
    }
}
