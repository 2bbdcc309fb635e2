import Foundation
import NIOCore
import NIOPosix
import ParapetRedis
import ParapetTesting
import Synchronization

/// A `redis-server` of the test's own on 127.0.0.1: no persistence, no daemonizing, stopped by the test.
///
/// The process is watched through its termination handler, so waiting for it to exit never blocks a
/// thread of the cooperative pool.
final class RedisServerProcess: Sendable {
    /// The loopback port it listens on (kept across ``restart()``).
    let port: Int
    private let process: LockedProcess

    private init(port: Int, process: LockedProcess) {
        self.port = port
        self.process = process
    }

    /// Starts a server on a free loopback port and waits until it accepts connections.
    static func start() async throws -> RedisServerProcess {
        let port = try await freeLoopbackPort()
        let server = RedisServerProcess(port: port, process: LockedProcess(try launch(port: port)))
        try await server.waitUntilAccepting()
        return server
    }

    /// A client configuration for this server with test-friendly reconnection delays and a timeout
    /// generous enough for a busy machine (the outage tests set the real one).
    func configuration() -> RedisConfiguration {
        var configuration = RedisConfiguration(host: "127.0.0.1", port: port)
        configuration.timeout = .seconds(5)
        configuration.reconnectBackoff = RedisBackoff(initial: .milliseconds(20), maximum: .milliseconds(200))
        return configuration
    }

    /// Stops the server abruptly, as a crash would, and waits for it to exit.
    func stop() async {
        await process.current.stop()
    }

    /// Starts a fresh server on the same port, after ``stop()``.
    func restart() async throws {
        process.replace(with: try Self.launch(port: port))
        try await waitUntilAccepting()
    }

    /// Freezes (`SIGSTOP`) or thaws (`SIGCONT`) the server: a frozen server accepts connections in the
    /// kernel but never answers, like a hung one.
    func setFrozen(_ isFrozen: Bool) {
        kill(process.current.pid, isFrozen ? SIGSTOP : SIGCONT)
    }

    private static func launch(port: Int) throws -> WatchedProcess {
        let executable = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        guard let executable else { throw RedisServerMissing() }
        return try WatchedProcess(
            executable: executable,
            arguments: [
                "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--loglevel", "warning", "--dir", FileManager.default.temporaryDirectory.path,
            ])
    }

    private func waitUntilAccepting() async throws {
        try await withTimeLimit(.seconds(10)) { [port] in
            while true {
                if let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: port).get()
                {
                    try? await channel.close()
                    return
                }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }
}

/// Runs `body` with a fresh server, stopping it afterwards whatever happens.
func withRedisServer(_ body: (RedisServerProcess) async throws -> Void) async throws {
    let server = try await RedisServerProcess.start()
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

struct RedisServerMissing: Error, CustomStringConvertible {
    var description: String { "redis-server is not installed (apt-get install -y redis-server)" }
}

/// A child process whose exit is observed through `terminationHandler`.
final class WatchedProcess: Sendable {
    let pid: Int32
    /// Kept alive for as long as the process is watched: Foundation stops calling the termination
    /// handler of a `Process` that has been released.
    private let process: Process
    private let exit: AsyncStream<Int32>
    private let exitFlag = ExitFlag()

    init(executable: String, arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let (exit, continuation) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
        let exitFlag = self.exitFlag
        process.terminationHandler = { process in
            ChildProcesses.exited(process.processIdentifier)
            exitFlag.set()
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        try process.run()
        ChildProcesses.started(process.processIdentifier)
        self.pid = process.processIdentifier
        self.process = process
        self.exit = exit
    }

    /// Kills the process and waits (at most 5 s) until it has exited. `SIGKILL` rather than `SIGTERM`:
    /// the child inherits the signal mask of the test runner's thread that spawned it, which blocks
    /// `SIGTERM`; Redis has nothing to save here anyway. Does nothing once the process has exited.
    func stop() async {
        guard !exitFlag.isSet else { return }
        kill(pid, SIGKILL)
        let exit = self.exit
        _ = try? await withTimeLimit(.seconds(5)) { await exit.first { _ in true } }
    }
}

/// The servers tests started and have not seen exit, killed when the test process exits: a test abandoned at
/// its time limit never stops its own, and a `redis-server` outlives its parent.
enum ChildProcesses {
    private static let live = Mutex<Set<Int32>>([])
    private static let killedAtExit: Void = {
        atexit { ChildProcesses.killAll() }
    }()

    static func started(_ pid: Int32) {
        _ = killedAtExit
        live.withLock { _ = $0.insert(pid) }
    }

    static func exited(_ pid: Int32) {
        live.withLock { _ = $0.remove(pid) }
    }

    private static func killAll() {
        for pid in live.withLock({ $0 }) { kill(pid, SIGKILL) }
    }
}

/// Whether a process has exited, set from its termination handler.
final class ExitFlag: Sendable {
    private let storage = Mutex(false)

    func set() {
        storage.withLock { $0 = true }
    }

    var isSet: Bool { storage.withLock { $0 } }
}

/// The server's current process, replaced on restart.
final class LockedProcess: Sendable {
    private let storage: Mutex<WatchedProcess>

    init(_ process: WatchedProcess) {
        storage = Mutex(process)
    }

    var current: WatchedProcess { storage.withLock { $0 } }

    func replace(with process: WatchedProcess) {
        storage.withLock { $0 = process }
    }
}
