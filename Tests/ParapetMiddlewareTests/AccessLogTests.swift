import Foundation
import HTTPTypes
import Logging
import NIOCore
import ParapetCore
import ParapetMiddleware
import Synchronization
import Testing

/// Lines a ``JSONLinesLogHandler`` wrote, parsed back.
final class CapturedLines: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        Logger(label: "test.access") { _ in JSONLinesLogHandler { line in self.lines.withLock { $0.append(line) } } }
    }

    var raw: [String] { lines.withLock { $0 } }

    var records: [[String: Any]] {
        raw.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }
}

@Suite("AccessLog")
struct AccessLogTests {
    let harness = MiddlewareHarness()

    @Test func oneLinePerRequestWithTheRequestAndResponseFacts() async throws {
        let captured = CapturedLines()
        let request = MiddlewareHarness.request(
            .post, "/submit?x=1", host: "shop.test", fields: [.userAgent: "curl/8", .referer: "https://a.test/"],
            body: HTTPBody(string: "12345"))
        let response = try await harness.send(request, through: AccessLog(logger: captured.logger), next: Endpoint { request, context in
            _ = try await request.body.collect(upTo: 100)
            context.accessLog?.set("upstream", "10.0.0.7:8080")
            return .text("created", status: .created)
        })
        #expect(try await response.text() == "created")
        let records = captured.records
        #expect(records.count == 1)
        let line = try #require(records.first)
        #expect(line["message"] as? String == "request")
        #expect(line["method"] as? String == "POST")
        #expect(line["host"] as? String == "shop.test")
        #expect(line["path"] as? String == "/submit?x=1")
        #expect(line["status"] as? Int == 201)
        #expect(line["bytesIn"] as? Int == 5)
        #expect(line["bytesOut"] as? Int == 7)
        #expect(line["userAgent"] as? String == "curl/8")
        #expect(line["referer"] as? String == "https://a.test/")
        #expect(line["upstream"] as? String == "10.0.0.7:8080")
        #expect((line["time"] as? String)?.hasSuffix("Z") == true)
        #expect(line["durationMs"] is Double && line["ttfbMs"] is Double)
        // Keys are sorted after level and message, so equal records are equal bytes.
        #expect(captured.raw.first?.hasPrefix(#"{"level":"info","message":"request","bytesIn":5,"bytesOut":7,"#) == true)
    }

    @Test func aStreamedResponseIsLoggedWhenItsBodyEnds() async throws {
        let captured = CapturedLines()
        let chunks = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(ByteBuffer(string: "abc"))
            continuation.yield(ByteBuffer(string: "defg"))
            continuation.finish()
        }
        let response = try await harness.send(
            MiddlewareHarness.request(), through: AccessLog(logger: captured.logger),
            next: Endpoint { _, _ in Response(status: .ok, body: HTTPBody(stream: chunks)) })
        #expect(captured.raw.isEmpty)  // nothing yet: the body has not been sent
        #expect(try await response.text() == "abcdefg")
        #expect(captured.records.first?["bytesOut"] as? Int == 7)
        #expect(captured.records.first?["aborted"] == nil)
    }

    @Test func anAbandonedBodyIsLoggedAsAborted() async throws {
        let captured = CapturedLines()
        let chunks = AsyncStream<ByteBuffer> { continuation in continuation.yield(ByteBuffer(string: "abc")) }
        do {
            let response = try await harness.send(
                MiddlewareHarness.request(), through: AccessLog(logger: captured.logger),
                next: Endpoint { _, _ in Response(status: .ok, body: HTTPBody(stream: chunks)) })
            var iterator = response.body.makeAsyncIterator()
            _ = try await iterator.next()
        }  // the client went away: the body is dropped unfinished
        #expect(captured.records.count == 1)
        #expect(captured.records.first?["aborted"] as? Bool == true)
        #expect(captured.records.first?["bytesOut"] as? Int == 3)
        #expect(captured.records.first?["status"] as? Int == 200)
    }

    @Test func aFailingHandlerIsLoggedAs500() async throws {
        struct Broken: Error {}
        let captured = CapturedLines()
        await #expect(throws: Broken.self) {
            _ = try await harness.send(
                MiddlewareHarness.request(), through: AccessLog(logger: captured.logger),
                next: Endpoint { _, _ in throw Broken() })
        }
        #expect(captured.records.first?["status"] as? Int == 500)
    }

    @Test func skipAccessLogSuppressesTheLine() async throws {
        let captured = CapturedLines()
        let chain = Middlewares()
        chain.use(AccessLog(logger: captured.logger))
        chain.use(SkipAccessLog())
        let response = try await harness.send(MiddlewareHarness.request(.get, "/healthz"), through: chain)
        #expect(try await response.text() == "next /healthz")
        #expect(captured.raw.isEmpty)
    }

    @Test func realIPIsTheClientTheServerSettledOnNeverAHeaderAsSent() async throws {
        let captured = CapturedLines()
        let logged = try AccessLog(logger: captured.logger)
            .wrap(Endpoint { _, _ in .text("ok") }, in: harness.environment)
        let server = ForwardingHeaders.Handler(next: logged, trusting: .privateAndLoopback)
        var context = harness.context
        let spoof: HTTPFields = [.xForwardedFor: "6.6.6.6, 203.0.113.7", .xRealIP: "1.1.1.1"]
        // Behind a trusted proxy at 10.0.0.1: the first untrusted hop from the right.
        context.connection.peer = .ip(IPAddress("10.0.0.1")!, port: 1)
        _ = try await server.handle(MiddlewareHarness.request(fields: spoof), context: context)
        // A direct client: its own X-Real-IP is not a client address.
        context.connection.peer = .ip(IPAddress("198.51.100.4")!, port: 1)
        _ = try await server.handle(MiddlewareHarness.request(fields: spoof), context: context)
        // A chain run without the server (a simulation): the peer, whatever the headers say.
        _ = try await logged.handle(MiddlewareHarness.request(fields: spoof), context: context)
        let lines = captured.records
        #expect(lines.map { $0["peer"] as? String } == ["10.0.0.1", "198.51.100.4", "198.51.100.4"])
        #expect(lines.map { $0["realIP"] as? String } == ["203.0.113.7", nil, nil])
    }

    @Test func jsonTextIsEscaped() {
        let captured = CapturedLines()
        captured.logger.info("say \"hi\"\n", metadata: ["path": "/a\"b\\c\u{1}", "list": ["x", .stringConvertible(2)]])
        #expect(captured.raw == [#"{"level":"info","message":"say \"hi\"\n","list":["x",2],"path":"/a\"b\\c\u0001"}"# + "\n"])
    }
}
