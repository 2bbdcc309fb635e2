import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTP2
import NIOTLS
import Synchronization
import Testing

@testable import ParapetNIO

/// The requests a test server saw, from any connection or stream.
final class ServedRequests: Sendable {
    struct Entry: Equatable, Sendable {
        var version: String
        var method: String
        var uri: String
        var headers: [String]
        var body: String
    }

    private let entries = Mutex<[Entry]>([])

    var all: [Entry] { entries.withLock { $0 } }

    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
}

/// Answers every request with `protocol=HTTP/x.y method=… path=…` and records it: the one request handler
/// both protocols end in.
final class ProtocolEchoHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let served: ServedRequests
    private var head: HTTPRequestHead?
    private var body = ""

    init(_ served: ServedRequests) { self.served = served }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = ""
        case .body(let buffer):
            body += String(buffer: buffer)
        case .end:
            guard let head else { return }
            let version = "HTTP/\(head.version.major).\(head.version.minor)"
            served.append(
                .init(
                    version: version,
                    method: head.method.rawValue,
                    uri: head.uri,
                    headers: head.headers.map { "\($0.name.lowercased()): \($0.value)" },
                    body: body
                )
            )
            let text = "protocol=\(version) method=\(head.method.rawValue) path=\(head.uri) body=\(body)\n"
            var headers = HTTPHeaders([("content-type", "text/plain"), ("content-length", "\(text.utf8.count)")])
            if head.version.major == 1, !head.isKeepAlive { headers.add(name: "connection", value: "close") }
            context.write(
                wrapOutboundOut(.head(.init(version: head.version, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            self.head = nil
        }
    }
}

/// Counts the `read()` calls that reach the head of the pipeline.
final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = Any
    var count = 0
    func read(context: ChannelHandlerContext) {
        count += 1
        context.read()
    }
}

@Suite("Cleartext HTTP/2 sniffer in a channel")
struct CleartextHTTP2SnifferTests {
    typealias Negotiated = NIONegotiatedHTTPVersion<Void, Void>

    /// A server connection as the Parapet server builds it: sniffer, then NIO's protocol negotiation.
    struct Connection {
        let channel = EmbeddedChannel()
        let served = ServedRequests()
        let negotiated: EventLoopFuture<Negotiated>

        init(maxHeaderBytes: Int = 16_384, maxHeaderListSize: Int = 16_384) throws {
            let served = self.served
            try channel.pipeline.syncOperations.addHandler(
                CleartextHTTP2Sniffer(maxHeaderBytes: maxHeaderBytes, maxHeaderListSize: maxHeaderListSize)
            )
            var settings = NIOHTTP2Handler.ConnectionConfiguration()
            settings.initialSettings = [HTTP2Setting(parameter: .maxHeaderListSize, value: maxHeaderListSize)]
            let connectionConfiguration = settings
            negotiated = try channel.configureHTTP2AsyncSecureUpgrade(
                http1ConnectionInitializer: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(ProtocolEchoHandler(served))
                    }
                },
                http2ConnectionInitializer: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                            mode: .server,
                            connectionConfiguration: connectionConfiguration,
                            streamConfiguration: .init()
                        ) { stream in
                            stream.eventLoop.makeCompletedFuture {
                                try stream.pipeline.syncOperations.addHandlers(
                                    HTTP2FramePayloadToHTTP1ServerCodec(),
                                    ProtocolEchoHandler(served)
                                )
                            }
                        }
                    }
                }
            ).wait()
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        }

        func send(_ bytes: some Sequence<UInt8>) throws {
            try channel.writeInbound(ByteBuffer(bytes: Array(bytes)))
            channel.pipeline.fireChannelReadComplete()
        }

        func send(_ text: String) throws { try send(Array(text.utf8)) }

        /// Everything the server has written so far.
        func written() throws -> [UInt8] {
            var bytes: [UInt8] = []
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
                bytes += buffer.readableBytesView
            }
            return bytes
        }

        var snifferIsInstalled: Bool {
            (try? channel.pipeline.syncOperations.context(handlerType: CleartextHTTP2Sniffer.self)) != nil
        }

        /// The negotiated protocol, once the negotiation has completed (the embedded loop runs it inline).
        var negotiatedProtocol: String? {
            let name = Mutex<String?>(nil)
            negotiated.whenSuccess { result in
                switch result {
                case .http1_1: name.withLock { $0 = "http/1.1" }
                case .http2: name.withLock { $0 = "h2" }
                }
            }
            return name.withLock { $0 }
        }
    }

    @Test func plainHTTP1() throws {
        let connection = try Connection()
        try connection.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(connection.negotiatedProtocol == "http/1.1")
        #expect(!connection.snifferIsInstalled)
        #expect(connection.served.all.map(\.version) == ["HTTP/1.1"])
        let response = String(decoding: try connection.written(), as: UTF8.self)
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(response.hasSuffix("protocol=HTTP/1.1 method=GET path=/a body=\n"))
    }

    @Test func priorKnowledge() throws {
        let connection = try Connection()
        let request = try #require(H2CUpgradeRequest(head: Array(H2CTestBytes.upgradeHead(path: "/pk").utf8)))
        let headers = try #require(request.headersFrame(maxHeaderListSize: 16_384))
        try connection.send(Array(H2CTestBytes.preface.utf8) + H2CTestBytes.settingsFrame + headers.readableBytesView)
        #expect(connection.negotiatedProtocol == "h2")
        #expect(!connection.snifferIsInstalled)
        #expect(connection.served.all.map(\.version) == ["HTTP/2.0"])
        #expect(connection.served.all.first?.uri == "/pk")
        let frames = RawHTTP2Frame.frames(in: try connection.written())
        #expect(frames.first?.type == 0x4)  // The server's SETTINGS.
        let data = frames.filter { $0.type == 0x0 && $0.streamID == 1 }.flatMap(\.payload)
        #expect(String(decoding: data, as: UTF8.self) == "protocol=HTTP/2.0 method=GET path=/pk body=\n")
    }

    @Test(arguments: ["separately", "together", "byte by byte"])
    func upgrade(delivery: String) throws {
        let connection = try Connection()
        let head = Array(H2CTestBytes.curlUpgradeHead.utf8)
        let client = H2CTestBytes.clientPrefaceFrames
        switch delivery {
        case "separately":
            try connection.send(head)
            #expect(connection.negotiatedProtocol == "h2")
            #expect(connection.snifferIsInstalled)
            try connection.send(client)
        case "together":
            try connection.send(head + client)
        default:
            for byte in head + client { try connection.send([byte]) }
        }
        #expect(!connection.snifferIsInstalled)

        let written = try connection.written()
        let switching = Array("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n".utf8)
        #expect(Array(written.prefix(switching.count)) == switching)
        let frames = RawHTTP2Frame.frames(in: written.dropFirst(switching.count))
        #expect(frames.first?.type == 0x4)  // The server preface comes straight after the 101.
        #expect(frames.contains { $0.type == 0x4 && $0.flags == 0x1 })  // It acknowledged the client's SETTINGS.
        #expect(frames.contains { $0.type == 0x1 && $0.streamID == 1 })  // Response HEADERS on stream 1.
        let data = frames.filter { $0.type == 0x0 && $0.streamID == 1 }.flatMap(\.payload)
        #expect(String(decoding: data, as: UTF8.self) == "protocol=HTTP/2.0 method=GET path=/hello body=\n")
        #expect(!frames.contains { $0.type == 0x7 })  // No GOAWAY.

        let served = try #require(connection.served.all.first)
        #expect(served.version == "HTTP/2.0")
        #expect(served.headers.contains("host: 127.0.0.1:8080"))
        #expect(served.headers.contains("user-agent: curl/7.88.1"))
        #expect(!served.headers.contains { $0.hasPrefix("connection") || $0.hasPrefix("upgrade") })
        #expect(!served.headers.contains { $0.hasPrefix("http2-settings") })
    }

    /// The server advertises 1 MiB, but NIO decodes the injected HEADERS with its 16 KiB default (the client has not
    /// acknowledged the server's SETTINGS yet): a list just under that upgrades, one just over stays on HTTP/1.1.
    @Test(arguments: [(368, "HTTP/2.0"), (369, "HTTP/1.1")])
    func headerListSizeAtTheDecoderLimit(fieldCount: Int, expectedVersion: String) throws {
        let connection = try Connection(maxHeaderBytes: 1 << 20, maxHeaderListSize: 1 << 20)
        let fields = (0..<fieldCount).map { String(format: "X-Field-%03d: %@\r\n", $0, "v") }.joined()
        let head = H2CTestBytes.upgradeHead(extra: fields)
        let listSize = try #require(H2CUpgradeRequest(head: Array(head.utf8))).headerListSize
        #expect((listSize <= 16_384) == (expectedVersion == "HTTP/2.0"))
        try connection.send(Array(head.utf8) + H2CTestBytes.clientPrefaceFrames)
        #expect(connection.served.all.map(\.version) == [expectedVersion])
        let written = try connection.written()
        #expect(!RawHTTP2Frame.frames(in: written).contains { $0.type == 0x7 })  // No GOAWAY.
    }

    @Test func upgradeWithABodyFallsBackToHTTP1() throws {
        let connection = try Connection()
        try connection.send(
            H2CTestBytes.upgradeHead(method: "POST", path: "/p", extra: "Content-Length: 5\r\n") + "hello")
        #expect(connection.negotiatedProtocol == "http/1.1")
        #expect(
            connection.served.all == [
                .init(
                    version: "HTTP/1.1", method: "POST", uri: "/p",
                    headers: [
                        "host: example.com", "connection: Upgrade, HTTP2-Settings", "upgrade: h2c",
                        "http2-settings: AAMAAABk", "content-length: 5",
                    ],
                    body: "hello"
                )
            ])
        let response = String(decoding: try connection.written(), as: UTF8.self)
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(!response.contains("101"))
    }

    @Test func garbageGetsTheHTTP1DecodersAnswer() throws {
        let connection = try Connection()
        #expect(throws: (any Error).self) { try connection.send([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x02]) }
        #expect(connection.negotiatedProtocol == "http/1.1")
        #expect(String(decoding: try connection.written(), as: UTF8.self).hasPrefix("HTTP/1.1 400 Bad Request"))
    }

    @Test func oversizedHeadIsLeftToTheHTTP1Decoder() throws {
        let connection = try Connection(maxHeaderBytes: 128)
        try connection.send("GET /long HTTP/1.1\r\nHost: x\r\nX-A: \(String(repeating: "a", count: 200))\r\n\r\n")
        #expect(connection.negotiatedProtocol == "http/1.1")
        #expect(connection.served.all.map(\.uri) == ["/long"])
    }

    @Test func closeBeforeDecisionAnnouncesNothing() throws {
        let connection = try Connection()
        try connection.send("GET / HT")
        try connection.channel.close().wait()
        #expect(connection.negotiatedProtocol == nil)
        #expect(throws: (any Error).self) { try connection.negotiated.wait() }
    }

    @Test func halfCloseDecidesOnWhatArrived() throws {
        let connection = try Connection()
        try connection.send("GET /half HTTP/1.1\r\nHost: x\r\n")
        connection.channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(connection.negotiatedProtocol == "http/1.1")
        #expect(!connection.snifferIsInstalled)
    }

    @Test func tlsInFrontMeansSteppingAside() throws {
        let connection = try Connection()
        try connection.send("GET /tls HTTP/1.1\r\n")
        connection.channel.pipeline.fireUserInboundEventTriggered(
            TLSUserEvent.handshakeCompleted(negotiatedProtocol: "http/1.1")
        )
        #expect(!connection.snifferIsInstalled)
        try connection.send("Host: x\r\n\r\n")
        #expect(connection.negotiatedProtocol == "http/1.1")
        #expect(connection.served.all.map(\.uri) == ["/tls"])
    }

    @Test func asksForMoreBytesWhileSniffing() throws {
        let channel = EmbeddedChannel()
        let counter = ReadCounter()
        try channel.pipeline.syncOperations.addHandlers(counter, CleartextHTTP2Sniffer())
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n"))
        let before = counter.count
        channel.pipeline.fireChannelReadComplete()
        #expect(counter.count == before + 1)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
    }

    /// Random bytes in random pieces through the whole pipeline: nothing traps.
    @Test(arguments: 0..<4)
    func fuzzedConnectionsNeverTrap(seed: UInt64) throws {
        var generator = H2CFuzzGenerator(state: seed &+ 1000)
        let seeds: [[UInt8]] = [
            Array(H2CTestBytes.curlUpgradeHead.utf8) + H2CTestBytes.clientPrefaceFrames,
            H2CTestBytes.clientPrefaceFrames, Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8),
        ]
        for _ in 0..<100 {
            let connection = try Connection(maxHeaderBytes: Int.random(in: 16...256, using: &generator))
            var input = seeds.randomElement(using: &generator) ?? []
            for _ in 0..<Int.random(in: 0...3, using: &generator) {
                input[Int.random(in: 0..<input.count, using: &generator)] = .random(in: 0...255, using: &generator)
            }
            var remaining = input[...]
            while !remaining.isEmpty, connection.channel.isActive {
                let piece = remaining.prefix(Int.random(in: 1...50, using: &generator))
                remaining = remaining.dropFirst(piece.count)
                try? connection.send(piece)
            }
            _ = try? connection.written()
            _ = try? connection.channel.finish()
        }
    }
}
