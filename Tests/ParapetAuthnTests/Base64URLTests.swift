import Testing

@testable import ParapetAuthn

@Suite("Base64URL")
struct Base64URLTests {
    @Test("round-trips every length")
    func roundTrip() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64URL.decode(Array(Base64URL.encode(bytes).utf8)) == bytes)
        }
    }

    @Test(
        "refuses padding, the standard alphabet, whitespace and non-zero unused bits",
        arguments: [
            "YQ==", "a+b/", "YW Jj", "YR", "Y", "YWJjZA=",
        ])
    func refuses(_ text: String) {
        #expect(Base64URL.decode(Array(text.utf8)) == nil)
    }
}
