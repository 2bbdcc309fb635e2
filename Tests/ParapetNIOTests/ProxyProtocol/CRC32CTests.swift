import Testing

@testable import ParapetNIO

@Suite("CRC32C")
struct ProxyProtocolCRC32CTests {
    @Test func standardCheckValue() {
        #expect(CRC32C.checksum(of: Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test(arguments: [
        // RFC 3720 (iSCSI) appendix B.4 test vectors.
        ([UInt8](repeating: 0x00, count: 32), UInt32(0x8A91_36AA)),
        ([UInt8](repeating: 0xFF, count: 32), UInt32(0x62A8_AB43)),
        ((0..<32).map { UInt8($0) }, UInt32(0x46DD_794E)),
        ((0..<32).map { UInt8(31 - $0) }, UInt32(0x113F_DB5C)),
        ([], UInt32(0)),
    ])
    func knownVectors(_ bytes: [UInt8], _ checksum: UInt32) {
        #expect(CRC32C.checksum(of: bytes) == checksum)
    }

    @Test func incrementalUpdatesMatchOneShot() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var crc = CRC32C()
        crc.update(with: bytes[..<3])
        crc.update(with: bytes[3..<500])
        crc.update(with: bytes[500...])
        #expect(crc.checksum == CRC32C.checksum(of: bytes))
    }
}
