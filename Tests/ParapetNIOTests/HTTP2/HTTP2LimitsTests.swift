import Foundation
import NIOCore
import Parapet
import ParapetTestSupport
import ParapetTesting
import Synchronization
import Testing

/// The HTTP/2 limits and deadlines of ``ServerConfiguration/HTTP2Limits`` and ``ServerConfiguration/idleTimeout``,
/// driven on a real h2c socket by a raw client (Python's `h2`) that misbehaves on purpose.
@Suite("HTTP/2 limits, deadlines and rapid reset on a real socket", .cpuHeavy)
struct HTTP2LimitsTests {
    /// How many requests the handler started, per path.
    final class StartedRequests: Sendable {
        private let counts = Mutex<[String: Int]>([:])

        func record(_ path: String) { counts.withLock { $0[path, default: 0] += 1 } }

        subscript(path: String) -> Int { counts.withLock { $0[path] ?? 0 } }
    }

    /// A backend-profile (h2c) server: `/upload` reads the request body, `/slow` streams ten chunks 500 ms apart,
    /// anything else answers at once.
    func server(started: StartedRequests = StartedRequests(), _ adjust: (inout ServerConfiguration) -> Void = { _ in })
        throws -> Server
    {
        var configuration = ServerConfiguration.backend
        adjust(&configuration)
        try configuration.bind(to: "127.0.0.1:0")
        let server = Server(configuration: configuration)
        server.use(
            Endpoint { request, context in
                let path = request.path ?? ""
                started.record(path)
                switch path {
                case "/upload":
                    let body = try await request.body.collect(upTo: 1 << 20)
                    return .text("\(body.readableBytes)\n")
                case "/slow":
                    let clock = context.runtime.clock
                    let chunks = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                        let producer = Task {
                            for index in 0..<10 {
                                try await clock.sleep(for: .milliseconds(500))
                                continuation.yield(ByteBuffer(string: "chunk\(index);"))
                            }
                            continuation.finish()
                        }
                        continuation.onTermination = { _ in producer.cancel() }
                    }
                    return Response(status: .ok, body: HTTPBody(stream: chunks))
                default:
                    return .text("ok\n")
                }
            })
        return server
    }

    /// What a script saw of one connection.
    struct ConnectionReport: Decodable {
        /// The server's `GOAWAY`: error code and last stream ID.
        var goaway: [Int]?
        var closed: Bool
        var elapsed: Double?
        var status: Int?
        var settings: [String: Int]?
        var resets: [String: Int]?
        var ended: Bool?
    }

    // MARK: rapid reset (CVE-2023-44487)

    struct RapidResetReport: Decodable {
        var sent: Int
        var goaway: [Int]?
        var closed: Bool
        /// How many requests a second, well-behaved client got answered with `200` meanwhile.
        var served: Int
        /// The statuses of its other requests (`nil`: no answer).
        var failed: [Int?]
    }

    /// HEADERS and RST_STREAM, ten pairs per write, until the server stops it (at most 5,000 pairs), while a
    /// second client sends ordinary requests one after another on its own connection.
    static let rapidReset = #"""
        PAIRS = 5000
        statuses, stop = [], threading.Event()
        def normal_client():
            client = Client()
            while not stop.is_set() and not client.closed:
                sid = client.request("/normal")
                client.pump(5, until=lambda: sid in client.ended)
                statuses.append(client.status.get(sid))
        helper = threading.Thread(target=normal_client)
        helper.start()
        attacker = Client()
        attacker.pump(5, until=lambda: attacker.settings is not None)
        sent = 0
        while sent < PAIRS and attacker.goaway is None and not attacker.closed:
            for _ in range(10):
                sid = attacker.conn.get_next_available_stream_id()
                attacker.conn.send_headers(sid, request_headers("/attack"), end_stream=True)
                attacker.conn.reset_stream(sid, error_code=8)
                sent += 1
            attacker.flush()
            attacker.pump(0.005)
        attacker.wait_closed(10)
        stop.set()
        helper.join()
        print(json.dumps({"sent": sent, "goaway": attacker.goaway, "closed": attacker.closed,
                          "served": statuses.count(200), "failed": [status for status in statuses if status != 200]}))
        """#

    @Test func rapidResetGetsTheAttackerClosedWhileOthersAreServed() async throws {
        let started = StartedRequests()
        let report = try await withRunningServer(try server(started: started)) { address in
            try await runH2Python(Self.rapidReset, against: address, as: RapidResetReport.self)
        }
        let limit = ServerConfiguration.backend.http2.maxResetStreams
        #expect(
            report.goaway?.first == 0xB, "expected GOAWAY(ENHANCE_YOUR_CALM), got \(String(describing: report.goaway))")
        #expect(report.closed)
        #expect(report.sent < 5000, "the attack ran to its end")
        #expect(started["/attack"] <= limit + 1, "\(started["/attack"]) handlers started for \(report.sent) resets")
        #expect(report.served > 0)
        #expect(report.failed.isEmpty, "\(report.failed)")
    }

    // MARK: the idle deadline

    @Test func aConnectionWithAnOpenStreamButNoFramesGetsGoAwayAtTheIdleTimeout() async throws {
        let script = #"""
            client = Client()
            client.pump(5, until=lambda: client.settings is not None)
            start = time.monotonic()
            client.request("/upload", method="POST", end_stream=False)  # the body never comes
            client.wait_closed(20)
            print(json.dumps({"goaway": client.goaway, "closed": client.closed, "elapsed": time.monotonic() - start}))
            """#
        let report = try await withRunningServer(try server { $0.idleTimeout = .seconds(3) }) { address in
            try await runH2Python(script, against: address, as: ConnectionReport.self)
        }
        #expect(report.closed)
        #expect(report.goaway == [0, 1], "expected GOAWAY(NO_ERROR, last stream 1)")
        let elapsed = try #require(report.elapsed)
        #expect(elapsed >= 2.9 && elapsed < 12, "closed after \(elapsed) s")
    }

    /// Five seconds of response, a chunk every half second, under a three-second idle timeout.
    @Test func aStreamStillSendingOutlivesTheIdleTimeout() async throws {
        let script = #"""
            client = Client()
            sid = client.request("/slow")
            client.pump(20, until=lambda: sid in client.ended)
            print(json.dumps({"goaway": client.goaway, "closed": client.closed, "status": client.status.get(sid)
                              if sid in client.ended else None}))
            """#
        let report = try await withRunningServer(try server { $0.idleTimeout = .seconds(3) }) { address in
            try await runH2Python(script, against: address, as: ConnectionReport.self)
        }
        #expect(report.status == 200)
        #expect(report.goaway == nil)
    }

    /// A graceful shutdown tells an h2 client with a request in flight which streams will still be served, lets
    /// that request finish, then closes.
    @Test func shutdownDrainsAnOpenStreamBeforeClosing() async throws {
        let started = StartedRequests()
        let server = try server(started: started) {
            $0.waitBeforeShutdown = .zero
            $0.graceTimeout = .seconds(20)
        }
        let script = #"""
            client = Client()
            sid = client.request("/slow")
            client.pump(20, until=lambda: sid in client.ended)
            client.wait_closed(10)
            print(json.dumps({"goaway": client.goaway, "closed": client.closed, "ended": sid in client.ended,
                              "status": client.status.get(sid), "resets": {str(k): v for k, v in client.resets.items()}}))
            """#
        let report = try await withRunningServer(server) { address in
            async let report = runH2Python(script, against: address, as: ConnectionReport.self)
            try await withTimeLimit(.seconds(10)) {
                while started["/slow"] == 0 { try await Task.sleep(for: .milliseconds(10)) }
            }
            server.shutdown()
            return try await report
        }
        #expect(report.goaway == [0, 1], "expected GOAWAY(NO_ERROR, last stream 1)")
        #expect(report.status == 200)
        #expect(report.ended == true, "\(report)")
        #expect(report.closed)
    }

    // MARK: per-connection limits

    @Test func theSettingsAdvertiseTheLimitsAndAnOversizedHeaderListEndsTheConnection() async throws {
        let script = #"""
            client = Client()
            client.pump(5, until=lambda: client.settings is not None)
            within = client.request("/", extra=[("x-fill", "a" * 40000)])
            client.pump(5, until=lambda: within in client.ended)
            client.request("/", extra=[("x-fill", os.urandom(100000).hex())])
            client.wait_closed(10)
            print(json.dumps({"goaway": client.goaway, "closed": client.closed, "status": client.status.get(within),
                              "settings": {str(key): value for key, value in client.settings.items()}}))
            """#
        let report = try await withRunningServer(try server()) { address in
            try await runH2Python(script, against: address, as: ConnectionReport.self)
        }
        #expect(report.settings?["3"] == 100)  // SETTINGS_MAX_CONCURRENT_STREAMS
        #expect(report.settings?["6"] == 65_536)  // SETTINGS_MAX_HEADER_LIST_SIZE
        #expect(report.status == 200)
        #expect(
            report.goaway?.first == 0x1, "expected GOAWAY(PROTOCOL_ERROR), got \(String(describing: report.goaway))")
        #expect(report.closed)
    }

    @Test func aStreamBeyondTheConcurrencyLimitEndsTheConnection() async throws {
        // h2 refuses to open more streams than the server allows, so the third HEADERS is written by hand.
        let script = #"""
            client = Client()
            client.pump(5, until=lambda: client.settings is not None)
            client.request("/upload", method="POST", end_stream=False)
            client.request("/upload", method="POST", end_stream=False)
            block = client.conn.encoder.encode(request_headers("/"))
            client.sock.sendall(len(block).to_bytes(3, "big") + bytes([0x1, 0x5]) + (5).to_bytes(4, "big") + block)
            client.wait_closed(10)
            print(json.dumps({"goaway": client.goaway, "closed": client.closed, "settings": {"3": client.settings[3]}}))
            """#
        let report = try await withRunningServer(try server { $0.http2.maxConcurrentStreams = 2 }) { address in
            try await runH2Python(script, against: address, as: ConnectionReport.self)
        }
        #expect(report.settings?["3"] == 2)
        #expect(
            report.goaway?.first == 0x1, "expected GOAWAY(PROTOCOL_ERROR), got \(String(describing: report.goaway))")
        #expect(report.closed)
    }

    @Test func invalidLimitsAreNamed() {
        var configuration = ServerConfiguration.backend
        configuration.http2.maxConcurrentStreams = 0
        #expect(
            throws: ConfigurationError.invalidValue(
                field: "http2.maxConcurrentStreams", reason: "must be between 1 and 2147483647, got 0")
        ) {
            try configuration.validate()
        }
        configuration.http2 = .init(resetStreamWindow: .zero)
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(throws: Never.self) { try ServerConfiguration.frontend.validate() }
    }
}
