import Foundation
import Glibc
import HTTPTypes
import Logging
import NIOCore
import Parapet
import ParapetTesting
import Synchronization
import Testing

@testable import ParapetAuthn

/// A Python auth service on loopback (http.server): `X-Token: good` is allowed with `X-User: alice` and
/// echoes of the forwarded fields it saw; `slow` is allowed after three seconds; anything else is denied with
/// `403`, an `X-Reason` field and a body. It stops by itself after 30 s.
final class PythonAuthService: Sendable {
    static let script = #"""
        import http.server, sys, threading, time
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                token = self.headers.get("X-Token")
                if token == "slow":
                    time.sleep(3.0)
                if token in ("good", "slow"):
                    self.send_response(200)
                    self.send_header("X-User", "alice")
                    for name in ("Method", "Proto", "Host", "Uri", "For"):
                        self.send_header("X-Seen-" + name, self.headers.get("X-Forwarded-" + name, "-"))
                    self.send_header("X-Not-Copied", "1")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    body = b"denied: bad token\n"
                    self.send_response(403)
                    self.send_header("X-Reason", "bad-token")
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        print(server.server_address[1], flush=True)
        threading.Timer(30, server.shutdown).start()
        server.serve_forever()
        """#

    let process = Process()
    let port: Int

    init() async throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", Self.script]
        process.standardOutput = output
        try process.run()
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let buffer = Mutex<(text: String, done: Bool)>(("", false))
            output.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                let finished: String? = buffer.withLock { state in
                    guard !state.done else { return nil }
                    state.text += String(decoding: data, as: UTF8.self)
                    guard data.isEmpty || state.text.contains("\n") else { return nil }
                    state.done = true
                    return state.text
                }
                if let finished {
                    handle.readabilityHandler = nil
                    continuation.resume(returning: finished)
                }
            }
        }
        port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Kills the service: SIGKILL, since the test process's blocked SIGTERM is inherited by its children.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// Reports the fields forward auth set on the request.
let echoForwarded = Endpoint { request, _ in
    let names = ["X-User", "X-Seen-Method", "X-Seen-Proto", "X-Seen-Host", "X-Seen-Uri", "X-Seen-For", "X-Not-Copied"]
    return .text(names.map { "\($0)=\(request.headerFields[HTTPField.Name($0)!] ?? "-")" }.joined(separator: " "))
}

@Suite("Forward auth")
struct ForwardAuthTests {
    static let logger = Logger(label: "forward-auth-test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let copied = ["X-User", "X-Seen-Method", "X-Seen-Proto", "X-Seen-Host", "X-Seen-Uri", "X-Seen-For"].map {
        HTTPField.Name($0)!
    }

    @Test(
        "against a real Python service: allow with fields copied, deny relayed as is, timeout answered 503",
        .timeLimit(.minutes(1)))
    func pythonService() async throws {
        let service = try await PythonAuthService()
        defer { service.stop() }
        #expect(service.port > 0)
        let transport = HTTPClientTransport()
        let outcomes = Mutex<[ForwardAuth.Outcome]>([])
        let runtime = Runtime.system
        /// Allow and deny get a generous timeout (a loaded machine may be slow to connect); the slow answer
        /// (3 s) meets a short one.
        func handler(timeout: Duration) throws -> any Handler {
            try ForwardAuth(
                SingleHost("127.0.0.1:\(service.port)", transport: transport),
                options: .init(
                    authority: "auth.internal", path: "/verify", copiedResponseFields: Self.copied, timeout: timeout,
                    observe: { outcome in outcomes.withLock { $0.append(outcome) } })
            ).wrap(echoForwarded, in: ChainEnvironment(runtime: runtime, logger: Self.logger))
        }
        let patient = try handler(timeout: .seconds(10))
        let hasty = try handler(timeout: .milliseconds(300))
        func send(_ token: String, to handler: any Handler) async throws -> Response {
            let head = HTTPRequest(
                method: .post, scheme: "https", authority: "app.example", path: "/orders?id=7",
                headerFields: [HTTPField.Name("X-Token")!: token, HTTPField.Name("X-User")!: "forged"])
            let context = RequestContext(
                connection: ConnectionInfo(peer: .ip(.v4(0xC000_0207), port: 5000)), logger: Self.logger,
                runtime: runtime)
            return try await handler.handle(Request(head: head), context: context)
        }
        let allowed = try await send("good", to: patient)
        #expect(allowed.status == .ok)
        let allowedBody = String(buffer: try await allowed.body.collect(upTo: 4096))
        #expect(
            allowedBody
                == "X-User=alice X-Seen-Method=POST X-Seen-Proto=https X-Seen-Host=app.example X-Seen-Uri=/orders?id=7 X-Seen-For=192.0.2.7 X-Not-Copied=-"
        )
        let denied = try await send("bad", to: patient)
        #expect(denied.status == .forbidden)
        #expect(denied.headerFields[HTTPField.Name("X-Reason")!] == "bad-token")
        #expect(String(buffer: try await denied.body.collect(upTo: 4096)) == "denied: bad token\n")
        let slow = try await send("slow", to: hasty)
        #expect(slow.status == .serviceUnavailable)
        #expect(
            outcomes.withLock { $0 } == [.allowed(cached: false), .denied(status: 403), .failed(reason: "timed out")])
        await transport.shutdown()
    }

    /// An auth service in the simulator: allows `X-Token: good` after 10 ms, counting questions; fails
    /// with a transport error when `isDown`.
    final class ScriptedService: Transport {
        let state = Mutex<(asked: Int, isDown: Bool)>((0, false))

        func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
            let isDown = state.withLock { state in
                state.asked += 1
                return state.isDown
            }
            try await context.runtime.clock.sleep(for: .milliseconds(10))
            if isDown { throw CancellationError() }
            let allowed = request.head.headerFields[HTTPField.Name("X-Token")!] == "good"
            return UpstreamResponse(
                response: allowed
                    ? Response(status: .noContent, headerFields: [HTTPField.Name("X-User")!: "alice"])
                    : .error(.unauthorized), target: nil)
        }
    }

    @Test("2xx answers are cached by the configured field for the TTL; a failing service follows the failure mode")
    func cacheAndFailureModes() async throws {
        let service = ScriptedService()
        for mode in [ForwardAuth.FailureMode.closed, .open] {
            service.state.withLock { $0 = (0, false) }
            let auth = ForwardAuth(
                service,
                options: .init(
                    authority: "auth", copiedResponseFields: [HTTPField.Name("X-User")!], failureMode: mode,
                    cacheKey: HTTPField.Name("X-Token")!, cacheTTL: .seconds(10)))
            let chain = Middlewares()
            chain.use(auth)
            chain.use(echoForwarded)
            try await chain.test { client in
                let good: HTTPFields = [HTTPField.Name("X-Token")!: "good"]
                var statuses: [HTTPResponse.Status] = []
                for _ in 0..<3 { statuses.append(try await client.execute(.get, "/", headers: good).status) }
                #expect(service.state.withLock { $0.asked } == 1)
                try await client.sleep(for: .seconds(11))
                statuses.append(try await client.execute(.get, "/", headers: good).status)
                #expect(service.state.withLock { $0.asked } == 2)
                statuses.append(
                    try await client.execute(.get, "/", headers: [HTTPField.Name("X-Token")!: "bad"]).status)
                service.state.withLock { $0.isDown = true }
                statuses.append(
                    try await client.execute(.get, "/", headers: [HTTPField.Name("X-Token")!: "other"]).status)
                #expect(statuses == [.ok, .ok, .ok, .ok, .unauthorized, mode == .closed ? .serviceUnavailable : .ok])
            }
        }
    }
}
