/// CRC-32C (Castagnoli, reflected polynomial `0x82F63B78`), the checksum PROXY protocol v2 carries in its
/// `PP2_TYPE_CRC32C` TLV.
///
/// ```swift
/// var crc = CRC32C()
/// crc.update(with: Array("123456789".utf8))
/// crc.checksum   // 0xE3069283
/// ```
struct CRC32C: Sendable {
    private var state: UInt32 = 0xFFFF_FFFF

    /// The checksum of everything given so far.
    var checksum: UInt32 { ~state }

    /// Adds `bytes` to the checksum.
    mutating func update(with bytes: some Sequence<UInt8>) {
        let table = Self.table
        for byte in bytes {
            state = table[Int(UInt8(truncatingIfNeeded: state) ^ byte)] ^ (state >> 8)
        }
    }

    /// The checksum of `bytes`.
    static func checksum(of bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32C()
        crc.update(with: bytes)
        return crc.checksum
    }

    /// For each byte value, the register after shifting it through eight rounds of the polynomial.
    private static let table: [UInt32] = (0...255).map { (value: UInt32) in
        var remainder = value
        for _ in 0..<8 {
            remainder = remainder & 1 == 1 ? (remainder >> 1) ^ 0x82F6_3B78 : remainder >> 1
        }
        return remainder
    }
}
