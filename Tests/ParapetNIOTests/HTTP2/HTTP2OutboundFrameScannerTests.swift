import Testing

@testable import ParapetNIO

@Suite("HTTP/2 outbound frame scanner")
struct HTTP2OutboundFrameScannerTests {
    static func frame(type: UInt8, stream: UInt8 = 0, payload: [UInt8]) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, 0, 0, 0, 0, stream]
            + payload
    }

    static let settings = frame(type: 0x4, payload: [0, 3, 0, 0, 0, 100])
    static let goAwayCalm = frame(type: 0x7, payload: [0, 0, 0, 9] + [0, 0, 0, 0xB] + Array("debug".utf8))
    /// A DATA frame whose payload looks like a GOAWAY frame: it must not be taken for one.
    static let dataLookingLikeGoAway = frame(type: 0x0, stream: 1, payload: goAwayCalm)

    @Test func findsTheErrorCodeOfEachGoAway() {
        var scanner = HTTP2OutboundFrameScanner()
        #expect(scanner.scan(Self.settings + Self.dataLookingLikeGoAway) == [])
        #expect(scanner.scan(Self.goAwayCalm + Self.frame(type: 0x7, payload: [0, 0, 0, 1, 0, 0, 0, 0])) == [0xB, 0])
    }

    @Test(arguments: [1, 2, 5, 9, 13])
    func framesSplitAcrossWritesAreFollowed(chunkSize: Int) {
        var scanner = HTTP2OutboundFrameScanner()
        let bytes = Self.settings + Self.dataLookingLikeGoAway + Self.goAwayCalm
        var codes: [UInt32] = []
        for start in stride(from: 0, to: bytes.count, by: chunkSize) {
            codes += scanner.scan(bytes[start..<min(start + chunkSize, bytes.count)])
        }
        #expect(codes == [0xB])
    }

    @Test func aFileRegionCountsAsPayload() {
        var scanner = HTTP2OutboundFrameScanner()
        let header = Array(Self.dataLookingLikeGoAway.prefix(9))
        #expect(scanner.scan(header) == [])
        scanner.skip(Self.goAwayCalm.count)
        #expect(scanner.scan(Self.goAwayCalm) == [0xB])
    }

    @Test func aTruncatedGoAwayReportsNothing() {
        var scanner = HTTP2OutboundFrameScanner()
        #expect(scanner.scan(Self.frame(type: 0x7, payload: [0, 0, 0, 1])) == [])
        #expect(scanner.scan(Self.settings) == [])
    }
}
