@testable import ParapetCompression
import Testing

@Suite("Accept-Encoding negotiation")
struct AcceptEncodingTests {
    static let offered: [ContentCoding] = [.brotli, .zstd, .gzip, .deflate]

    @Test(arguments: [
        ("gzip", ContentCoding.gzip),
        ("br", .brotli),
        ("deflate", .deflate),
        ("zstd", .zstd),
        ("gzip, zstd", .zstd),
        ("gzip, zstd;q=0.9", .gzip),
        ("br;q=0, zstd;q=0.5, gzip;q=0.4", .zstd),
        ("gzip, deflate, br", .brotli),
        ("gzip, deflate, br, zstd", .brotli),
        ("gzip;q=1.0, br;q=0.5", .gzip),
        ("br;q=0", nil),
        ("br;q=0, gzip;q=0.1", .gzip),
        ("*", .brotli),
        ("*;q=0.5, br;q=0", .zstd),
        ("*;q=0", nil),
        ("identity", nil),
        ("identity;q=0", nil),
        ("gzip;q=0.5, identity", nil),
        ("gzip, identity;q=0.5", .gzip),
        ("identity;q=0, *;q=0", nil),
        ("x-gzip", .gzip),
        ("GZIP;Q=0.8", .gzip),
        ("compress, zstd", .zstd),
        ("compress", nil),
        ("", nil),
        ("gzip;q=2, deflate", .deflate),
        ("gzip;q=0.1234, br;q=abc", nil),
        (" gzip ; q=0.001 ", .gzip),
    ] as [(String, ContentCoding?)])
    func picksTheCodingRFC9110Says(field: String, expected: ContentCoding?) {
        #expect(AcceptEncoding(field).preferred(among: Self.offered) == expected)
    }

    @Test func amongEqualWeightsTheServerOrderWins() {
        #expect(AcceptEncoding("gzip, br").preferred(among: [.gzip, .brotli]) == .gzip)
        #expect(AcceptEncoding("gzip, br").preferred(among: [.brotli, .gzip]) == .brotli)
    }
}
