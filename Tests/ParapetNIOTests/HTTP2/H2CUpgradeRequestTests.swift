import NIOCore
import Testing

@testable import ParapetNIO

@Suite("h2c upgrade requests")
struct H2CUpgradeRequestTests {
    @Test func translatesFieldsAndDropsConnectionSpecificOnes() throws {
        let head =
            "PUT /a/b?c=d HTTP/1.1\r\nHOST: example.com:8080\r\nConnection: Upgrade, HTTP2-Settings, X-Hop\r\n"
            + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\nKeep-Alive: 5\r\nProxy-Connection: x\r\nX-Hop: 1\r\n"
            + "TE: trailers, deflate\r\nAccept:  text/html \t\r\nCookie: a=1\r\nCookie: b=2\r\n"
            + "Content-Length: 0\r\n\r\n"
        let request = try #require(H2CUpgradeRequest(head: Array(head.utf8)))
        #expect(
            request.headerFields == [
                .init(name: ":method", value: "PUT"), .init(name: ":scheme", value: "http"),
                .init(name: ":path", value: "/a/b?c=d"), .init(name: ":authority", value: "example.com:8080"),
                .init(name: "te", value: "trailers"), .init(name: "accept", value: "text/html"),
                .init(name: "cookie", value: "a=1"), .init(name: "cookie", value: "b=2"),
                .init(name: "content-length", value: "0"),
            ]
        )
        #expect(request.http2Settings == [.init(identifier: 3, value: 100)])
    }

    @Test func teWithoutTrailersIsDropped() throws {
        let head = H2CTestBytes.upgradeHead(extra: "TE: gzip\r\n")
        let request = try #require(H2CUpgradeRequest(head: Array(head.utf8)))
        #expect(!request.headerFields.contains { $0.name == "te" })
    }

    @Test func rejectsAnythingAfterTheEmptyLine() {
        #expect(H2CUpgradeRequest(head: Array((H2CTestBytes.upgradeHead() + "x").utf8)) == nil)
    }

    @Test func headersFrameLayout() throws {
        let request = try #require(H2CUpgradeRequest(head: Array(H2CTestBytes.upgradeHead().utf8)))
        let frame = try #require(request.headersFrame(maxHeaderListSize: 16_384))
        let bytes = Array(frame.readableBytesView)
        let block = Array(bytes.dropFirst(9))
        #expect(bytes.prefix(9) == [0, 0, UInt8(block.count), 0x1, 0x5, 0, 0, 0, 1])
        // ":method: GET" as a literal without indexing, new name, no Huffman (RFC 7541 §6.2.2).
        let method: [UInt8] = [0x00, 7] + Array(":method".utf8) + [3] + Array("GET".utf8)
        #expect(Array(block.prefix(method.count)) == method)
        #expect(decodeLiteralHeaderBlock(block) == request.headerFields)
    }

    @Test func headerListSizeLimit() throws {
        let request = try #require(H2CUpgradeRequest(head: Array(H2CTestBytes.upgradeHead().utf8)))
        #expect(request.headersFrame(maxHeaderListSize: request.headerListSize) != nil)
        #expect(request.headersFrame(maxHeaderListSize: request.headerListSize - 1) == nil)
    }

    @Test func blockOfExactlyTheFrameLimitIsAccepted() throws {
        // Without the value, the GET / example.com block is 60 bytes; a 16,321-byte value adds 3 length bytes.
        let probe = H2CTestBytes.upgradeHead(extra: "X-Pad: \r\n")
        let base = try #require(H2CUpgradeRequest(head: Array(probe.utf8))?.headersFrame(maxHeaderListSize: .max))
        let fixed = base.readableBytes - 9 - 1
        let fits = H2CUpgradeRequest.maximumHeaderBlockBytes - fixed - 3
        for (padding, accepted) in [(fits, true), (fits + 1, false)] {
            let head = H2CTestBytes.upgradeHead(extra: "X-Pad: \(String(repeating: "p", count: padding))\r\n")
            let request = try #require(H2CUpgradeRequest(head: Array(head.utf8)))
            let frame = request.headersFrame(maxHeaderListSize: .max)
            #expect((frame != nil) == accepted, "padding \(padding)")
            #expect(frame.map { $0.readableBytes - 9 } ?? 0 <= H2CUpgradeRequest.maximumHeaderBlockBytes)
        }
    }

    @Test(
        "HPACK integers (RFC 7541 §C.1)",
        arguments: [(10, 5, [10]), (1337, 5, [31, 154, 10]), (42, 8, [42]), (127, 7, [127, 0]), (126, 7, [126])]
    )
    func hpackIntegers(value: Int, prefixBits: Int, expected: [UInt8]) {
        var buffer = ByteBuffer()
        H2CUpgradeRequest.writeInteger(value, prefixBits: prefixBits, to: &buffer)
        #expect(Array(buffer.readableBytesView) == expected)
    }

    @Test func requestLineScannerDecidesEarly() {
        var garbage = H2CUpgradeRequest.RequestLineScanner()
        #expect(garbage.scan([0x16]) == .cannotQualify)

        var partial = H2CUpgradeRequest.RequestLineScanner()
        #expect(partial.scan(Array("GET /a HTTP/1".utf8)) == .undecided)
        #expect(partial.scan(Array(".1\r\nHost".utf8)) == .canQualify)

        var oldVersion = H2CUpgradeRequest.RequestLineScanner()
        #expect(oldVersion.scan(Array("GET /a HTTP/1.0".utf8)) == .cannotQualify)
    }
}

@Suite("HTTP2-Settings header values")
struct HTTP2SettingsHeaderTests {
    @Test func decodesCurlsSettings() {
        let settings = HTTP2SettingsHeader.decode(Array("AAMAAABkAAQCAAAAAAIAAAAA".utf8))
        #expect(
            settings == [
                .init(identifier: 3, value: 100), .init(identifier: 4, value: 0x0200_0000),
                .init(identifier: 2, value: 0),
            ]
        )
    }

    @Test(
        "base64url",
        arguments: [
            ("", [UInt8]()), ("AA", [0]), ("AA==", [0]), ("AAE", [0, 1]), ("AAE=", [0, 1]),
            ("-_-_", [0xFB, 0xFF, 0xBF]),
        ]
    )
    func base64URL(encoded: String, decoded: [UInt8]) {
        #expect(HTTP2SettingsHeader.decodeBase64URL(Array(encoded.utf8)) == decoded)
    }

    @Test("malformed base64url", arguments: ["A", "AAAAA", "AB", "AA=", "AA===", "A=A", "+/", "AA AA", "AA\r\n"])
    func malformedBase64URL(encoded: String) {
        #expect(HTTP2SettingsHeader.decodeBase64URL(Array(encoded.utf8)) == nil)
    }

    @Test(
        "illegal settings values",
        arguments: [
            [0, 2, 0, 0, 0, 2],  // ENABLE_PUSH 2
            [0, 4, 0x80, 0, 0, 0],  // INITIAL_WINDOW_SIZE 2^31
            [0, 5, 0, 0, 0x3F, 0xFF],  // MAX_FRAME_SIZE 16,383
            [0, 5, 1, 0, 0, 0],  // MAX_FRAME_SIZE 2^24
        ] as [[UInt8]]
    )
    func illegalSettings(payload: [UInt8]) {
        #expect(HTTP2SettingsHeader.decode(Array(Self.base64URL(payload).utf8)) == nil)
    }

    @Test func unknownSettingsAreKept() {
        #expect(
            HTTP2SettingsHeader.decode(Array(Self.base64URL([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]).utf8))?.count == 1)
    }

    /// Unpadded base64url, for building test inputs.
    static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var output = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0...chunk.count {
                output.append(alphabet[(value >> (18 - 6 * position)) & 0x3F])
            }
            index += 3
        }
        return output
    }
}
