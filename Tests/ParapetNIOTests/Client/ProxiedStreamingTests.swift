import HTTPTypes
import Logging
import NIOCore
import Parapet
import ParapetTesting
import Synchronization
import ParapetTestSupport
import Testing

/// The two ways a test talks to the proxy and the proxy to its origin.
enum ProxyHop: String, CaseIterable, Sendable {
    case http1, h2c

    func makeTransport() throws -> any Transport {
        switch self {
        case .http1: HTTPClientTransport()
        case .h2c: H2CTransport()
        }
    }
}

@Suite("Trailers, interim responses and event streams through the proxy")
struct ProxiedStreamingTests {
    static let checksum = HTTPField.Name("X-Checksum")!
    static let grpcStatus = HTTPField.Name("Grpc-Status")!
    static let link = HTTPField.Name("Link")!

    /// An origin whose routes stream with trailers, report request trailers, send early hints, and stream
    /// server-sent events that wait for `eventSeen` between the first and the second.
    func origin(eventSeen: Signal) throws -> Server {
        let server = try loopbackServer(.backend)  // HTTP/1.1 and h2c
        server.use(Endpoint { request, context in
            switch request.path ?? "/" {
            case "/trailers":
                let trailers = HTTPTrailers()
                let (chunks, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
                continuation.yield(ByteBuffer(string: "part-1 "))
                continuation.yield(ByteBuffer(string: "part-2"))
                trailers.set([Self.checksum: "abc123", Self.grpcStatus: "0"])
                continuation.finish()
                return Response(status: .ok, body: HTTPBody(stream: chunks, trailers: trailers))
            case "/request-trailers":
                let body = try await request.body.collect(upTo: 1 << 20)
                let trailers = request.body.trailers?.fields?.map { "\($0.name.canonicalName)=\($0.value)" } ?? []
                return .text("\(String(buffer: body)) | \(trailers.sorted().joined(separator: ";"))")
            case "/hints":
                context.sendInterim(HTTPResponse(status: .earlyHints, headerFields: [Self.link: "</app.css>; rel=preload"]))
                return .text("page")
            case "/events":
                let (chunks, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
                continuation.yield(ByteBuffer(string: "data: 1\n\n"))
                Task {
                    await eventSeen.wait()
                    continuation.yield(ByteBuffer(string: "data: 2\n\n"))
                    continuation.finish()
                }
                return Response(status: .ok, headerFields: [.contentType: "text/event-stream"], body: HTTPBody(stream: chunks))
            default:
                return .error(.notFound)
            }
        })
        return server
    }

    /// Runs `body` against a proxy to ``origin(eventSeen:)``, the proxy reaching the origin over `hop`.
    func withProxy(
        _ hop: ProxyHop, eventSeen: Signal = Signal(),
        _ body: @escaping @Sendable (_ client: any Transport, _ proxy: NetworkAddress) async throws -> Void
    ) async throws {
        try await withTimeLimit(.seconds(20)) {
            let upstream = try hop.makeTransport()
            let client = try hop.makeTransport()
            try await withRunningServer(try origin(eventSeen: eventSeen)) { origin in
                let proxy = try loopbackServer(.backend)
                proxy.use(Upstream(SingleHost("\(origin)", transport: upstream), Upstream.Options(retries: 0)))
                try await withRunningServer(proxy) { address in try await body(client, address) }
            }
        }
    }

    @Test(arguments: ProxyHop.allCases)
    func responseTrailersReachTheClient(hop: ProxyHop) async throws {
        try await withProxy(hop) { client, proxy in
            let response = try await send(client, to: proxy, .get, "/trailers")
            #expect(response.status == .ok)
            #expect(try await text(of: response.body) == "part-1 part-2")
            let trailers = response.body.trailers?.fields
            #expect(trailers?[Self.checksum] == "abc123")
            #expect(trailers?[Self.grpcStatus] == "0")
        }
    }

    @Test(arguments: ProxyHop.allCases)
    func requestTrailersReachTheOrigin(hop: ProxyHop) async throws {
        try await withProxy(hop) { client, proxy in
            let trailers = HTTPTrailers()
            let (chunks, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
            continuation.yield(ByteBuffer(string: "uploaded"))
            trailers.set([Self.checksum: "f00d"])
            continuation.finish()
            let response = try await send(
                client, to: proxy, .post, "/request-trailers", body: HTTPBody(stream: chunks, trailers: trailers))
            #expect(try await text(of: response.body) == "uploaded | x-checksum=f00d")
        }
    }

    @Test(arguments: ProxyHop.allCases)
    func earlyHintsArriveAheadOfTheResponse(hop: ProxyHop) async throws {
        try await withProxy(hop) { client, proxy in
            let interim = Mutex<[HTTPResponse]>([])
            var context = testContext
            context.interimResponses = InterimResponses { head in interim.withLock { $0.append(head) } }
            let head = HTTPRequest(method: .get, scheme: "http", authority: "\(proxy)", path: "/hints")
            let answer = try await client.roundTrip(UpstreamRequest(head: head, target: "\(proxy)"), context: context)
            #expect(try await text(of: answer.response.body) == "page")
            let hints = interim.withLock { $0 }
            #expect(hints.map(\.status.code) == [103])
            #expect(hints.first?.headerFields[Self.link] == "</app.css>; rel=preload")
        }
    }

    @Test func curlSeesEarlyHintsThroughTheProxy() async throws {
        try await withProxy(.http1) { _, proxy in
            let output = try await runCurl(["-sS", "-i", "http://\(proxy)/hints"])
            #expect(output.hasPrefix("HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\n"))
            #expect(output.hasSuffix("\r\n\r\npage"))
        }
    }

    /// The origin sends its second event only after the client has seen the first through the proxy: a
    /// proxy that buffered the stream would deadlock here.
    @Test(arguments: ProxyHop.allCases)
    func eventStreamsAreFlushedAsTheyArrive(hop: ProxyHop) async throws {
        let eventSeen = Signal()
        try await withProxy(hop, eventSeen: eventSeen) { client, proxy in
            let response = try await send(client, to: proxy, .get, "/events")
            #expect(response.headerFields[.contentType] == "text/event-stream")
            var events = response.body.makeAsyncIterator()
            #expect(try await events.next().map { String(buffer: $0) } == "data: 1\n\n")
            eventSeen.fire()
            #expect(try await events.next().map { String(buffer: $0) } == "data: 2\n\n")
            #expect(try await events.next() == nil)
        }
    }
}
