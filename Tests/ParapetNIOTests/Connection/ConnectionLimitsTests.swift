import InMemoryLogging
import Logging
import NIOCore
import NIOPosix
import Parapet
import ParapetTestSupport
import ParapetTesting
import Testing

/// The limits every profile puts on idle and slow clients, on real sockets with short configured values.
/// Serialized: the slow-loris cases hold hundreds of sockets each, and timing margins hold on a loaded
/// machine only when the cases do not also load it for each other.
@Suite("Connection limits: header deadline, body and tunnel idle timeouts, connection cap", .serialized, .cpuHeavy)
struct ConnectionLimitsTests {
    static let profiles: [(String, ServerConfiguration)] = [
        ("general", .general), ("frontend", .frontend), ("backend", .backend),
    ]

    func server(_ configuration: ServerConfiguration, logger: Logger = Logger(label: "test")) throws -> Server {
        var configuration = configuration
        try configuration.bind(to: "127.0.0.1:0")
        let server = Server(configuration: configuration, logger: logger)
        server.use(
            Endpoint { request, context in
                if request.headerFields[.upgrade] == "echo", let inbound = context.upgradedInbound {
                    return Response(
                        status: .switchingProtocols, headerFields: [.connection: "upgrade", .upgrade: "echo"],
                        body: inbound)
                }
                return .text("ok\n")
            })
        return server
    }

    /// One request on a fresh connection; `true` when it was answered `200 ok`.
    func isServed(_ address: NetworkAddress) async -> Bool {
        do {
            let client = try await RawHTTPConnection(to: address)
            try await client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try await client.readResponse()
            await client.close()
            return response.status == 200 && response.body == "ok\n"
        } catch {
            return false
        }
    }

    /// Reads until the server closes `client`, or closes it from this side after `limit` (a server that
    /// never closes then fails the caller's timing assertions instead of hanging the test).
    func readToEnd(_ client: RawHTTPConnection, closingAfter limit: Duration) async throws -> String {
        let closer = Task {
            try await Task.sleep(for: limit)
            await client.close()
        }
        defer { closer.cancel() }
        return try await client.readToEnd()
    }

    /// Reads `client` to its end and expects the server to have closed it `timeout` from now (give or take
    /// the margins a loaded machine needs).
    func expectClosed(_ client: RawHTTPConnection, after timeout: Duration) async throws {
        let clock = ContinuousClock()
        let silentSince = clock.now
        _ = try await readToEnd(client, closingAfter: .seconds(10))
        let silence = clock.now - silentSince
        #expect(silence >= timeout - .milliseconds(200) && silence < timeout + .seconds(5), "closed after \(silence)")
    }

    /// `times` requests on fresh connections, `gap` apart: whether each was served.
    func servedRepeatedly(at address: NetworkAddress, times: Int, every gap: Duration) async -> [Bool] {
        var results: [Bool] = []
        for _ in 0..<times {
            results.append(await isServed(address))
            try? await Task.sleep(for: gap)
        }
        return results
    }

    @Test(arguments: profiles)
    func slowLorisConnectionsAreClosedAtTheHeaderDeadlineWhileOthersAreServed(
        profile: String, configuration: ServerConfiguration
    ) async throws {
        // The profile as it is, but a header deadline short enough for a test (the defaults, 10 s and
        // 60 s, are asserted in virtual time by ProfileDeadlinesTests).
        var configuration = configuration
        let headerDeadline = Duration.seconds(2)
        configuration.readHeaderTimeout = headerDeadline
        try await withRunningServer(try server(configuration)) { address in
            guard case .ip(let ip, let port) = address else {
                Issue.record("not an IP address: \(address)")
                return
            }
            var lorises: [EventLoopFuture<SlowLoris.Outcome>] = []
            for _ in 0..<200 {
                let outcome = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: SlowLoris.Outcome.self)
                _ = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(
                                SlowLoris(outcome: outcome, giveUpAfter: .seconds(20)))
                        }
                    }
                    .connect(host: "\(ip)", port: Int(port)).get()
                lorises.append(outcome.futureResult)
            }
            // A normal client keeps being served while the lorises hang, until they are all closed.
            async let served = servedRepeatedly(at: address, times: 10, every: .milliseconds(150))
            var outcomes: [SlowLoris.Outcome] = []
            for loris in lorises { outcomes.append(try await loris.get()) }
            #expect(outcomes.allSatisfy { $0.receivedBytes == 0 }, "\(profile): closed without an answer")
            let longest = outcomes.map(\.lifetime).max() ?? .zero
            let shortest = outcomes.map(\.lifetime).min() ?? .zero
            // The deadline runs from the accept (then from the byte's arrival), both after the client began
            // to connect; the margin above it is the scheduling delay of a loaded 2-core machine.
            #expect(shortest >= headerDeadline, "\(profile): closed early, after \(shortest)")
            #expect(longest <= headerDeadline + .seconds(5), "\(profile): closed late, after \(longest)")
            let results = await served
            #expect(results.allSatisfy { $0 }, "\(profile): a normal client was refused: \(results)")
        }
    }

    @Test func aSilentTunnelIsClosedAtItsIdleTimeoutAndATalkativeOneIsNot() async throws {
        var configuration = ServerConfiguration.general
        let idle = Duration.milliseconds(1500)
        configuration.tunnelIdleTimeout = idle
        try await withRunningServer(try server(configuration)) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
            #expect(try await client.readResponse(expectBody: false).status == 101)
            // Traffic every 250 ms keeps it open for well past the idle timeout.
            var expected = ""
            for index in 0..<10 {
                if index > 0 { try await Task.sleep(for: .milliseconds(250)) }
                try await client.send("\(index)")
                expected += "\(index)"
                let sofar = expected
                let echoed = try await withTimeLimit(.seconds(30)) {
                    try await client.read { String(decoding: $0, as: UTF8.self) == sofar }
                }
                #expect(echoed, "the tunnel closed while in use")
            }
            // Then silence both ways, from the last echo: closed once the idle timeout has passed.
            try await expectClosed(client, after: idle)
        }
    }

    @Test func aStalledBodyIsClosedAtTheBodyIdleTimeoutAndATricklingOneIsNot() async throws {
        var configuration = ServerConfiguration.general
        let idle = Duration.milliseconds(1500)
        configuration.bodyIdleTimeout = idle
        try await withRunningServer(try server(configuration)) { address in
            // A byte every 250 ms, for three times the timeout: the upload goes on, and so does the connection.
            let trickling = try await RawHTTPConnection(to: address)
            try await trickling.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n")
            #expect(try await trickling.readResponse().status == 200)  // answered without reading the body
            for _ in 0..<12 {
                try await Task.sleep(for: .milliseconds(250))
                try await trickling.send("x")
            }
            try await trickling.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await trickling.readResponse().status == 200, "the trickling upload's connection was closed")

            // Ten bytes of a hundred, then nothing: closed once the timeout has passed.
            let stalled = try await RawHTTPConnection(to: address)
            try await stalled.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789")
            #expect(try await stalled.readResponse().status == 200)
            try await expectClosed(stalled, after: idle)
        }
    }

    @Test func theConnectionCapRefusesTheNextConnectionAndLogsOncePerEpisode() async throws {
        let log = InMemoryLogHandler()
        var configuration = ServerConfiguration.general
        configuration.maxConnections = 3
        try await withRunningServer(try server(configuration, logger: Logger(label: "test") { _ in log })) { address in
            // Three keep-alive connections, each answered, hold the server at its cap.
            var held: [RawHTTPConnection] = []
            for _ in 0..<3 {
                let connection = try await RawHTTPConnection(to: address)
                try await connection.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                #expect(try await connection.readResponse().status == 200)
                held.append(connection)
            }
            // The fourth and fifth are accepted by the kernel and closed at once, unanswered.
            for _ in 0..<2 {
                let refused = try await RawHTTPConnection(to: address)
                try? await refused.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                let clock = ContinuousClock()
                let started = clock.now
                #expect(try await readToEnd(refused, closingAfter: .seconds(10)) == "")
                #expect(clock.now - started < .seconds(8), "not refused")
            }
            let warnings = log.entries.filter { $0.level == .warning && "\($0.message)".contains("connection limit") }
            #expect(warnings.count == 1, "\(log.entries.map { "\($0.message)" })")

            // Connections drop: new ones are served again, and the episode's end is logged.
            for connection in held { await connection.close() }
            try await withTimeLimit(.seconds(5)) {
                while !log.entries.contains(where: { "\($0.message)".contains("accepting again") }) {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            #expect(await isServed(address))
            let recovered = log.entries.filter { "\($0.message)".contains("accepting again") }
            #expect(recovered.count == 1)
            #expect(recovered.first?.metadata["refused"] == "2")
        }
    }
}

/// A client that sends one byte as soon as it connects and then stops. The instants it started connecting
/// and saw the connection close are taken on the connection's event loop, so a busy test thread pool cannot skew them;
/// it gives up and closes itself after `giveUpAfter`, so a server that never closes fails the test rather
/// than hanging it.
final class SlowLoris: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Outcome: Sendable {
        /// From starting to connect to seeing the connection closed.
        var lifetime: Duration
        /// What the server answered (nothing, for a connection closed at its deadline).
        var receivedBytes: Int
    }

    private let outcome: EventLoopPromise<Outcome>
    private let giveUpAfter: TimeAmount
    /// Taken before connecting: the server cannot have accepted the connection (and started its
    /// deadline) any earlier.
    private let connectingSince = NIODeadline.now()
    private var receivedBytes = 0

    init(outcome: EventLoopPromise<Outcome>, giveUpAfter: TimeAmount) {
        self.outcome = outcome
        self.giveUpAfter = giveUpAfter
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "G")), promise: nil)
        let channel = context.channel
        context.eventLoop.scheduleTask(in: giveUpAfter) { channel.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receivedBytes += unwrapInboundIn(data).readableBytes
    }

    func channelInactive(context: ChannelHandlerContext) {
        let nanoseconds = (NIODeadline.now() - connectingSince).nanoseconds
        outcome.succeed(Outcome(lifetime: .nanoseconds(nanoseconds), receivedBytes: receivedBytes))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)  // a reset is a close too
    }
}
