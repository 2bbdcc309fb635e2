import Foundation
import NIOCore
import Parapet
import ParapetTesting
import ParapetTestSupport
import Testing

@Suite("Protocol upgrades (WebSocket) through the proxy")
struct ProxiedUpgradeTests {
    @Test func anUpgradedConnectionTunnelsBytesBothWaysThroughTheProxy() async throws {
        try await withTimeLimit(.seconds(20)) {
            let upstream = HTTPClientTransport()
            try await withProxyChain(origin: try ProtocolUpgradeTests().echoUpgradeServer(), upstream: upstream) { proxy, origin in
                let client = try await RawHTTPConnection(to: proxy)
                // The first tunnel bytes ride with the request head: the proxy holds them until the origin
                // switched, then sends them on.
                try await client.send("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nping-1 ")
                let switching = try await client.readResponse(expectBody: false)
                #expect(switching.status == 101)
                #expect(switching.header("Upgrade") == "echo")
                #expect(switching.header("Connection")?.lowercased() == "upgrade")
                try await client.send("ping-2")
                #expect(try await client.read { String(decoding: $0, as: UTF8.self) == "ping-1 ping-2" })
                #expect(upstream.connectionCounts(target: "\(origin)") == (open: 1, idle: 0))
                // The client hangs up: the proxy shuts its side of the upstream tunnel, the origin's echo
                // ends, and the proxy closes the client's connection.
                await client.close()
                // The tunnel held its pool slot until it closed, and never went back to the idle list.
                var counts = upstream.connectionCounts(target: "\(origin)")
                for _ in 0..<100 where counts.open > 0 {
                    try await Task.sleep(for: .milliseconds(50))
                    counts = upstream.connectionCounts(target: "\(origin)")
                }
                #expect(counts.open == 0 && counts.idle == 0)
            }
            await upstream.shutdown()
        }
    }

    @Test func bytesTheOriginSendsWithItsSwitchReachTheClient() async throws {
        try await withTimeLimit(.seconds(20)) {
            let origin = try await Self.greetingOrigin()
            let upstream = HTTPClientTransport()
            let proxy = try loopbackServer()
            proxy.use(Upstream(SingleHost("127.0.0.1:\(origin.port)", transport: upstream), Upstream.Options(retries: 0)))
            try await withRunningServer(proxy) { address in
                let client = try await RawHTTPConnection(to: address)
                try await client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\n")
                let switching = try await client.readResponse(expectBody: false)
                #expect(switching.status == 101)
                // "welcome " came in the same packet as the origin's 101 head.
                try await client.send("back")
                #expect(try await client.read { String(decoding: $0, as: UTF8.self) == "welcome back" })
                await client.close()
            }
            await upstream.shutdown()
            await origin.stop()
        }
    }

    @Test func aSwitchTheClientDidNotAskForIsABadGateway() async throws {
        try await withTimeLimit(.seconds(20)) {
            let origin = try await Self.greetingOrigin()
            let upstream = HTTPClientTransport()
            let proxy = try loopbackServer()
            proxy.use(Upstream(SingleHost("127.0.0.1:\(origin.port)", transport: upstream), Upstream.Options(retries: 0)))
            try await withRunningServer(proxy) { address in
                let client = try await RawHTTPConnection(to: address)
                try await client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: other\r\n\r\n")
                #expect(try await client.readResponse().status == 502)
                await client.close()
            }
            await upstream.shutdown()
            await origin.stop()
        }
    }

    /// A real WebSocket server and client (Python's `websockets`) on either side of the proxy: text,
    /// binary and many small messages echo back intact, and the closing handshake completes.
    @Test func aWebSocketEchoesThroughTheProxy() async throws {
        try await withTimeLimit(.seconds(40)) {
            let origin = try await PythonProcess.start(script: Self.echoServer)
            let port = try await origin.firstLine()
            let upstream = HTTPClientTransport()
            let proxy = try loopbackServer()
            proxy.use(Upstream(SingleHost("127.0.0.1:\(port)", transport: upstream), Upstream.Options(retries: 0)))
            let output = try await withRunningServer(proxy) { address in
                try await PythonProcess.run(script: Self.echoClient, arguments: ["ws://\(address)/chat"])
            }
            #expect(output == "text ok\nbinary ok\nburst ok\nclosed 1000\n")
            await upstream.shutdown()
            await origin.stop()
        }
    }

    /// Answers with `101` and the greeting `welcome ` in one write (switching to `surprise` when `echo`
    /// was not asked for), then echoes.
    static func greetingOrigin() async throws -> RawOrigin {
        try await RawOrigin.start { head in
            let protocols = head.lowercased().contains("upgrade: echo") ? "echo" : "surprise"
            return "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: \(protocols)\r\n\r\nwelcome "
        }
    }

    static let echoServer = """
        import asyncio, websockets
        async def echo(ws, path=None):
            async for message in ws:
                await ws.send(message)
        async def main():
            async with websockets.serve(echo, "127.0.0.1", 0, max_size=None) as server:
                print(server.sockets[0].getsockname()[1], flush=True)
                await asyncio.sleep(60)
        asyncio.run(main())
        """

    static let echoClient = """
        import asyncio, sys, websockets
        async def main():
            async with websockets.connect(sys.argv[1], max_size=None, open_timeout=10) as ws:
                await ws.send("hello")
                print("text", "ok" if await ws.recv() == "hello" else "bad")
                blob = bytes(range(256)) * 400
                await ws.send(blob)
                print("binary", "ok" if await ws.recv() == blob else "bad")
                for i in range(100):
                    await ws.send(f"m{i}")
                echoed = [await ws.recv() for _ in range(100)]
                print("burst", "ok" if echoed == [f"m{i}" for i in range(100)] else "bad")
            print("closed", ws.close_code)
        asyncio.run(asyncio.wait_for(main(), 20))
        """
}

/// Debian's Python 3 (`/usr/bin/python3`, which has `python3-websockets`) running a script, without
/// blocking a thread of the cooperative pool: output goes to a file, exit is awaited through the
/// termination handler.
private final class PythonProcess: Sendable {
    private let process: Process
    private let outputFile: URL
    private let exited: AsyncStream<Int32>

    private init(process: Process, outputFile: URL, exited: AsyncStream<Int32>) {
        self.process = process
        self.outputFile = outputFile
        self.exited = exited
    }

    static func start(script: String, arguments: [String] = []) async throws -> PythonProcess {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("parapet-python-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: outputFile.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script] + arguments
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        let (exited, continuation) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { process in
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        try process.run()
        return PythonProcess(process: process, outputFile: outputFile, exited: exited)
    }

    /// Runs `script` to its end and returns its output; records an issue when it fails.
    static func run(script: String, arguments: [String]) async throws -> String {
        let python = try await start(script: script, arguments: arguments)
        let status = await python.exited.first { _ in true } ?? -1
        #expect(status == 0, "python exited with \(status)")
        defer { try? FileManager.default.removeItem(at: python.outputFile) }
        return try String(contentsOf: python.outputFile, encoding: .utf8)
    }

    /// The first line the script prints (a readiness signal), polled for up to 10 s.
    func firstLine() async throws -> String {
        for _ in 0..<200 {
            let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first, text.contains("\n") { return String(line) }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PythonNotReady()
    }

    /// Kills the script (SIGKILL: a child of the test process may inherit a blocked SIGTERM) and waits for it.
    func stop() async {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        _ = await exited.first { _ in true }
        try? FileManager.default.removeItem(at: outputFile)
    }

    struct PythonNotReady: Error {}
}
