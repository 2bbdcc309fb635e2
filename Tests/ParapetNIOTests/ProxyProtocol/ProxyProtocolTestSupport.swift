import Parapet

@testable import ParapetNIO

/// Builds v2 headers byte by byte, so tests state exactly what is on the wire.
struct V2HeaderBuilder {
    var versionAndCommand: UInt8 = 0x21
    var family: UInt8 = 0x11
    var addressBlock: [UInt8] = [192, 0, 2, 1, 198, 51, 100, 7, 0xD4, 0x31, 0x01, 0xBB]
    var tlvs: [(type: UInt8, value: [UInt8])] = []
    /// Appends a CRC32C TLV computed over the finished header.
    var addsChecksum = false
    /// Replaces the declared length when set.
    var declaredLength: Int?

    var bytes: [UInt8] {
        var body = addressBlock
        for tlv in tlvs {
            body += [tlv.type, UInt8(tlv.value.count >> 8), UInt8(truncatingIfNeeded: tlv.value.count)] + tlv.value
        }
        var checksumAt: Int?
        if addsChecksum {
            checksumAt = ProxyProtocolParser.v2FixedLength + body.count + 3
            body += [ProxyProtocolHeader.TLV.crc32c, 0, 4, 0, 0, 0, 0]
        }
        let length = declaredLength ?? body.count
        var header = ProxyProtocolParser.v2Signature + [versionAndCommand, family]
        header += [UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)] + body
        if let checksumAt {
            let checksum = CRC32C.checksum(of: header)
            for index in 0..<4 {
                header[checksumAt + index] = UInt8(truncatingIfNeeded: checksum >> (24 - 8 * index))
            }
        }
        return header
    }
}

extension ProxyProtocolParser {
    /// Parses `bytes` in one go.
    static func decide(_ bytes: [UInt8]) -> Decision {
        var parser = ProxyProtocolParser()
        return parser.parse(bytes)
    }
}

func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

func ipEndpoint(_ text: String, _ port: UInt16) -> NetworkAddress {
    guard let address = IPAddress(text) else { return .unixSocket(path: "not an IP: \(text)") }
    return .ip(address, port: port)
}

/// A small deterministic generator for mutation tests (SplitMix64).
struct TestRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
