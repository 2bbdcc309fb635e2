import Foundation
import NIOCore
import Parapet
import ParapetTestSupport
import ParapetTesting
import Testing

@Suite("Request bodies stream; HTTP/2 streams keep their own deadlines")
struct RequestStreamingTests {
    /// A server whose handler counts the request body as it streams, without collecting it.
    func countingServer(_ adjust: (inout ServerConfiguration) -> Void = { _ in }) throws -> Server {
        var configuration = ServerConfiguration.backend
        try configuration.bind(to: "127.0.0.1:0")
        adjust(&configuration)
        let server = Server(configuration: configuration)
        server.use(Endpoint { request, _ in
            var count = 0
            for try await chunk in request.body { count += chunk.readableBytes }
            return .text("n=\(count)\n")
        })
        return server
    }

    /// Writes `size` bytes to a temporary file for curl to upload.
    func uploadFile(size: Int) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parapet-upload-\(UUID().uuidString)")
        try Data(repeating: UInt8(ascii: "u"), count: size).write(to: url)
        return url
    }

    @Test(.cpuHeavy, arguments: ["--http1.1", "--http2-prior-knowledge"])
    func largeUploadsStreamThroughTheHandler(protocolFlag: String) async throws {
        let size = 8 << 20
        let file = try uploadFile(size: size)
        defer { try? FileManager.default.removeItem(at: file) }
        try await withRunningServer(try countingServer()) { address in
            // Over HTTP/1.1 curl sends `Expect: 100-continue` for a body this large and waits for the
            // interim response before sending it.
            let output = try await runTool(
                "curl", ["-sS", "--max-time", "60", protocolFlag, "--data-binary", "@\(file.path)", "http://\(address)/"])
            #expect(output == "n=\(size)\n")
        }
    }

    @Test func aHandlerThatIgnoresALargeBodyStillAnswersAndKeepsTheConnection() async throws {
        var configuration = ServerConfiguration.backend
        try configuration.bind(to: "127.0.0.1:0")
        let server = Server(configuration: configuration)
        server.use(Endpoint { request, _ in .text("ignored \(request.path ?? "")\n") })
        try await withRunningServer(server) { address in
            let client = try await RawHTTPConnection(to: address)
            let body = String(repeating: "b", count: 1 << 20)
            try await client.send("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            try await client.send("GET /b HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().body == "ignored /a\n")
            #expect(try await client.readResponse().body == "ignored /b\n")
        }
    }

    @Test func anHTTP2StreamWhoseBodyStallsIsResetWhileTheConnectionServesOthers() async throws {
        let server = try countingServer { $0.readTimeout = .milliseconds(300) }
        try await withRunningServer(server) { address in
            let client = try await RawHTTPConnection(to: address)
            // Stream 1: a POST whose HEADERS frame does not end the stream, and no DATA ever follows.
            try await client.send(bytes: H2CTestBytes.clientPrefaceFrames + Self.headersFrame(stream: 1, method: "POST", endStream: false))
            let reset = try await withTimeLimit(.seconds(5)) {
                try await client.read { RawHTTP2Frame.frames(in: $0).contains { $0.type == 0x3 && $0.streamID == 1 } }
            }
            #expect(reset, "stream 1 was not reset")
            // The connection survives: stream 3 is answered.
            try await client.send(bytes: Self.headersFrame(stream: 3, method: "GET", endStream: true))
            let answered = try await withTimeLimit(.seconds(5)) {
                try await client.read { RawHTTP2Frame.frames(in: $0).contains { $0.type == 0x0 && $0.streamID == 3 } }
            }
            #expect(answered, "stream 3 was not answered")
        }
    }

    @Test func anHTTP2BodyArrivingAfterTheHandlerDroppedItIsDiscarded() async throws {
        var configuration = ServerConfiguration.backend
        try configuration.bind(to: "127.0.0.1:0")
        let server = Server(configuration: configuration)
        server.use(Endpoint { _, _ in .text("answered without reading\n") })
        try await withRunningServer(server) { address in
            let client = try await RawHTTPConnection(to: address)
            try await client.send(bytes: H2CTestBytes.clientPrefaceFrames + Self.headersFrame(stream: 1, method: "POST", endStream: false))
            let answered = try await withTimeLimit(.seconds(5)) {
                try await client.read { RawHTTP2Frame.frames(in: $0).contains { $0.type == 0x0 && $0.streamID == 1 } }
            }
            #expect(answered)
            // The body comes in a later read, after the handler let go of it.
            let data: [UInt8] = [0, 0, 4, 0x0, 0x1, 0, 0, 0, 1] + Array("late".utf8)
            try await client.send(bytes: data + Self.headersFrame(stream: 3, method: "GET", endStream: true))
            let next = try await withTimeLimit(.seconds(5)) {
                try await client.read { RawHTTP2Frame.frames(in: $0).contains { $0.type == 0x0 && $0.streamID == 3 } }
            }
            #expect(next, "the connection stopped serving")
        }
    }

    /// A HEADERS frame with literal, unindexed, non-Huffman fields.
    static func headersFrame(stream: UInt32, method: String, endStream: Bool) -> [UInt8] {
        var block: [UInt8] = []
        for (name, value) in [(":method", method), (":scheme", "http"), (":path", "/"), (":authority", "a")] {
            block += [0x00, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
        }
        let length = block.count
        let flags: UInt8 = 0x4 | (endStream ? 0x1 : 0)
        return [UInt8(length >> 16), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), 0x1, flags]
            + [UInt8(stream >> 24), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)] + block
    }
}
