import Foundation
import NIOCore
import Parapet
import ParapetTestSupport
import ParapetTesting
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Graceful shutdown", .timingSensitive)
struct ShutdownTests {
    /// A server whose `/slow` streams five chunks 200 ms apart.
    /// A server whose `/slow` streams five chunks `chunkGap` apart.
    func slowServer(wait: Duration, grace: Duration, chunkGap: Duration = .milliseconds(200)) throws -> Server {
        var configuration = ServerConfiguration.general
        try configuration.bind(to: "127.0.0.1:0")
        configuration.waitBeforeShutdown = wait
        configuration.graceTimeout = grace
        let server = Server(configuration: configuration)
        server.use(Endpoint { request, context in
            guard request.path == "/slow" else { return .text("ok\n") }
            let clock = context.runtime.clock
            let chunks = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                let producer = Task {
                    for index in 0..<5 {
                        continuation.yield(ByteBuffer(string: "chunk\(index);"))
                        try await clock.sleep(for: chunkGap)
                    }
                    continuation.finish()
                }
                continuation.onTermination = { _ in producer.cancel() }
            }
            return Response(status: .ok, body: HTTPBody(stream: chunks))
        })
        return server
    }

    @Test func inFlightRequestsFinishAndNewConnectionsAreRefusedAfterTheWait() async throws {
        // The wait is long enough that the "still serving" connection below is accepted and answered
        // before the listener closes, even on a busy machine.
        let server = try slowServer(wait: .milliseconds(1500), grace: .seconds(5))
        let hookRuns = Atomic(0)
        server.onShutdown { hookRuns.add(1, ordering: .relaxed) }
        let listener = try await server.listen()
        let address = listener.localAddress
        let serving = Task { try await listener.serve() }

        let slow = try await RawHTTPConnection(to: address)
        try await slow.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
        try await slow.awaitFirstBytes()
        let clock = ContinuousClock()
        let shutdownStarted = clock.now
        server.shutdown()
        server.shutdown()  // a second call changes nothing

        // Still serving during waitBeforeShutdown.
        let early = try await RawHTTPConnection(to: address)
        try await early.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try await early.readResponse().status == 200)

        let response = try await slow.readResponse()
        #expect(response.body == "chunk0;chunk1;chunk2;chunk3;chunk4;")
        // Then the server closes the connection (a FIN, or a reset once the client is done: either way,
        // nothing more arrives).
        #expect((try? await slow.readToEnd()) ?? "" == "")

        try await withTimeLimit(.seconds(10)) { try await serving.value }
        #expect(clock.now - shutdownStarted >= .milliseconds(1500))
        #expect(await isRefused(address))
        #expect(hookRuns.load(ordering: .relaxed) == 1)

        let late = Atomic(false)
        server.onShutdown { late.store(true, ordering: .relaxed) }
        try await withTimeLimit(.seconds(5)) {
            while !late.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    @Test func theGraceTimeoutClosesWhatIsStillRunning() async throws {
        // The slow request would take 8 s, far past the 300 ms grace even on a loaded machine.
        let server = try slowServer(wait: .zero, grace: .milliseconds(300), chunkGap: .seconds(2))
        let listener = try await server.listen()
        let serving = Task { try await listener.serve() }
        let slow = try await RawHTTPConnection(to: listener.localAddress)
        try await slow.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
        try await slow.awaitFirstBytes()  // the request is in flight
        let clock = ContinuousClock()
        let started = clock.now
        server.shutdown()
        try await withTimeLimit(.seconds(10)) { try await serving.value }
        let elapsed = clock.now - started
        // Closed at the grace timeout, not when the slow request would have ended (that is what the
        // cut-off body below proves); the upper bound only guards against waiting for something else.
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(5))
        await #expect(throws: (any Error).self) { try await slow.readResponse() }  // cut off mid-body
    }

    @Test func idleKeepAliveConnectionsCloseAtOnce() async throws {
        let server = try slowServer(wait: .zero, grace: .seconds(5))
        let listener = try await server.listen()
        let serving = Task { try await listener.serve() }
        let idle = try await RawHTTPConnection(to: listener.localAddress)
        try await idle.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try await idle.readResponse().status == 200)
        server.shutdown()
        let leftover = try await withTimeLimit(.seconds(3)) { try await idle.readToEnd() }
        #expect(leftover == "")
        try await withTimeLimit(.seconds(3)) { try await serving.value }
    }

    @Test func sigtermDrainsAndTheProcessExitsWithinTheGraceTimeout() async throws {
        let port = try await freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: builtExecutable("parapet-test-server"))
        process.arguments = ["\(port)", "300", "2000"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let address = NetworkAddress.ip(IPAddress("127.0.0.1")!, port: UInt16(port))

        let slow = try await withTimeLimit(.seconds(30)) {
            while true {
                if let connection = try? await RawHTTPConnection(to: address) { return connection }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await slow.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
        try await slow.awaitFirstBytes()
        let clock = ContinuousClock()
        let signalled = clock.now
        kill(process.processIdentifier, SIGTERM)

        let response = try await slow.readResponse()
        #expect(response.body == "chunk0;chunk1;chunk2;chunk3;chunk4;")
        try await withTimeLimit(.seconds(5)) {
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(clock.now - signalled < .milliseconds(2300))  // wait 300 ms + grace 2 s
        #expect(process.terminationStatus == 0)
        #expect(await isRefused(address))
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(printed.contains("shutdown hook ran"))
        #expect(printed.contains("exited cleanly"))
    }
}

@Suite("Graceful shutdown of pipelined requests", .timingSensitive)
struct PipelinedShutdownTests {
    /// Reports each graceful-shutdown event once every handler behind it (the HTTP handler included)
    /// has seen it.
    struct QuiesceSignal: ConnectionHook {
        let delivered: AsyncStream<Void>.Continuation

        func configure(_ channel: any Channel, connection: AcceptedConnection) throws {
            try channel.pipeline.syncOperations.addHandler(Handler(delivered: delivered))
        }

        final class Handler: ChannelInboundHandler {
            typealias InboundIn = ByteBuffer
            let delivered: AsyncStream<Void>.Continuation

            init(delivered: AsyncStream<Void>.Continuation) {
                self.delivered = delivered
            }

            func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
                context.fireUserInboundEventTriggered(event)
                if event is ChannelShouldQuiesceEvent { delivered.yield() }
            }
        }
    }

    @Test func requestsReadBeforeShutdownStartsAreAllAnswered() async throws {
        var configuration = ServerConfiguration.general
        try configuration.bind(to: "127.0.0.1:0")
        configuration.waitBeforeShutdown = .zero
        configuration.graceTimeout = .seconds(10)
        let server = Server(configuration: configuration)
        let quiesced = AsyncStream.makeStream(of: Void.self)
        try server.addConnectionHook(QuiesceSignal(delivered: quiesced.continuation))
        let firstStarted = AsyncStream.makeStream(of: Void.self)
        let gate = AsyncStream.makeStream(of: Void.self)
        server.use(Endpoint { request, _ in
            if request.path == "/first" {
                firstStarted.continuation.yield()
                for await _ in gate.stream { break }
            }
            return .text("answer \(request.path ?? "-")\n")
        })
        let listener = try await server.listen()
        let serving = Task { try await listener.serve() }

        let client = try await RawHTTPConnection(to: listener.localAddress)
        // Both requests in one write: the second is read (and queued) while the first is being answered.
        try await client.send("GET /first HTTP/1.1\r\nHost: a\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n")
        try await withTimeLimit(.seconds(30)) { _ = await firstStarted.stream.first { _ in true } }
        server.shutdown()
        try await withTimeLimit(.seconds(30)) { _ = await quiesced.stream.first { _ in true } }
        gate.continuation.finish()

        let first = try await client.readResponse()
        #expect(first.status == 200 && first.body == "answer /first\n")
        #expect(first.header("Connection") == nil)
        let second = try await client.readResponse()
        #expect(second.status == 200 && second.body == "answer /second\n")
        #expect(second.header("Connection") == "close")
        #expect(try await withTimeLimit(.seconds(30)) { try await client.readToEnd() } == "")
        try await withTimeLimit(.seconds(30)) { try await serving.value }
    }
}
