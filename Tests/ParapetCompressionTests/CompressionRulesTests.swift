import HTTPTypes
import Logging
import NIOCore
@testable import ParapetCompression
import ParapetCore
import ParapetSimulation
import Testing

/// Runs `Compression` in front of an endpoint answering `response`, on a simulated runtime.
func compress(
    _ response: Response, method: HTTPRequest.Method = .get, acceptEncoding: String? = "gzip, br",
    options: Compression.Options = .init()
) async throws -> Response {
    let simulation = Simulation(seed: 1)
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    var fields = HTTPFields()
    if let acceptEncoding { fields[.acceptEncoding] = acceptEncoding }
    let request = Request(head: HTTPRequest(method: method, scheme: "http", authority: "a", path: "/", headerFields: fields))
    let handler = try Compression(options).wrap(Endpoint { _, _ in response }, in: ChainEnvironment(runtime: simulation.runtime, logger: logger))
    return try await handler.handle(
        request, context: RequestContext(connection: ConnectionInfo(peer: nil), logger: logger, runtime: simulation.runtime))
}

let page = String(repeating: "<p>hello, compression</p>\n", count: 200)

func html(_ status: HTTPResponse.Status = .ok, _ fields: HTTPFields = [:], body: String = page) -> Response {
    var all: HTTPFields = [.contentType: "text/html; charset=utf-8"]
    all.append(contentsOf: fields)
    return Response(status: status, headerFields: all, body: HTTPBody(string: body))
}

@Suite("Compression: when and how a response is compressed")
struct CompressionRulesTests {
    @Test func compressesAnEligibleResponseAndFixesItsFields() async throws {
        let response = try await compress(html(.ok, [.eTag: "\"v1\"", .vary: "Origin", .contentLength: "\(page.utf8.count)"]))
        #expect(response.headerFields[.contentEncoding] == "br")
        #expect(response.headerFields[values: .vary] == ["Origin", "Accept-Encoding"])
        #expect(response.headerFields[.eTag] == "W/\"v1\"")
        #expect(response.headerFields[.contentLength] == nil)
        let length = try #require(response.body.knownLength)
        #expect(length > 0 && length < page.utf8.count / 10)
    }

    @Test(arguments: [
        ("HEAD", html()),
        ("204", html(.noContent)),
        ("304", html(.notModified)),
        ("206", html(.partialContent, [.contentRange: "bytes 0-9/100"])),
        ("encoded", html(.ok, [.contentEncoding: "gzip"])),
        ("no-transform", html(.ok, [.cacheControl: "public, no-transform"])),
        ("short", html(body: "tiny")),
        ("image", Response(status: .ok, headerFields: [.contentType: "image/png"], body: HTTPBody(string: page))),
        ("untyped", Response(status: .ok, body: HTTPBody(string: page))),
        ("101", Response(status: .switchingProtocols, headerFields: [.upgrade: "websocket"])),
    ])
    func leavesIneligibleResponsesAlone(label: String, response: Response) async throws {
        let result = try await compress(response, method: label == "HEAD" ? .head : .get)
        #expect(result.headerFields[.contentEncoding] == response.headerFields[.contentEncoding], "\(label)")
        #expect(result.headerFields[values: .vary].isEmpty, "\(label)")
    }

    @Test func aClientThatRefusesGetsIdentityButTheResponseStillVaries() async throws {
        let response = try await compress(html(), acceptEncoding: "identity")
        #expect(response.headerFields[.contentEncoding] == nil)
        #expect(response.headerFields[.vary] == "Accept-Encoding")
        #expect(try await response.body.collect(upTo: 1 << 20).readableBytes == page.utf8.count)
        let noHeader = try await compress(html(), acceptEncoding: nil)
        #expect(noHeader.headerFields[.contentEncoding] == nil)
    }

    @Test func varyIsNotRepeated() async throws {
        let response = try await compress(html(.ok, [.vary: "accept-encoding, Origin"]))
        #expect(response.headerFields[values: .vary] == ["accept-encoding, Origin"])
    }

    @Test func aStreamedBodyIsCompressedChunkByChunk() async throws {
        let (chunks, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
        let response = try await compress(
            Response(status: .ok, headerFields: [.contentType: "text/event-stream"], body: HTTPBody(stream: chunks)),
            acceptEncoding: "gzip")
        #expect(response.headerFields[.contentEncoding] == "gzip")
        var iterator = response.body.makeAsyncIterator()
        continuation.yield(ByteBuffer(string: "data: 1\n\n"))
        // The first event's compressed bytes come out before the second event exists.
        let first = try #require(try await iterator.next())
        #expect(first.readableBytes > 0)
        continuation.yield(ByteBuffer(string: "data: 2\n\n"))
        #expect(try await iterator.next() != nil)
        continuation.finish()
        #expect(try await iterator.next() != nil)  // the gzip trailer
        #expect(try await iterator.next() == nil)
    }

    @Test func nonsenseOptionsAreRejected() async throws {
        await #expect(throws: CompressionConfigurationError.level(12)) {
            _ = try await compress(html(), options: .init(level: 12))
        }
        await #expect(throws: CompressionConfigurationError.noCodings) {
            _ = try await compress(html(), options: .init(codings: []))
        }
        await #expect(throws: CompressionConfigurationError.brotliQuality(-1)) {
            _ = try await compress(html(), options: .init(brotliQuality: -1))
        }
        await #expect(throws: CompressionConfigurationError.zstdLevel(20)) {
            _ = try await compress(html(), options: .init(zstdLevel: 20))
        }
    }

    @Test func eachCodingHasItsOwnLevel() async throws {
        let fast = try await compress(html(), acceptEncoding: "zstd", options: .init(zstdLevel: 1))
        let small = try await compress(html(), acceptEncoding: "zstd", options: .init(zstdLevel: 19))
        #expect(fast.headerFields[.contentEncoding] == "zstd")
        let fastLength = try #require(fast.body.knownLength)
        let smallLength = try #require(small.body.knownLength)
        #expect(smallLength <= fastLength)
        let options = Compression.Options(level: 2, brotliQuality: 7, zstdLevel: 11)
        #expect(ContentCoding.allCases.map(options.level(of:)) == [7, 11, 2, 2])
    }

    @Test func varyCanBeLeftOut() async throws {
        let response = try await compress(html(.ok, [.vary: "Origin"]), options: .init(addsVary: false))
        #expect(response.headerFields[.contentEncoding] == "br")
        #expect(response.headerFields[values: .vary] == ["Origin"])
        let refused = try await compress(html(), acceptEncoding: nil, options: .init(addsVary: false))
        #expect(refused.headerFields[values: .vary].isEmpty)
    }
}
