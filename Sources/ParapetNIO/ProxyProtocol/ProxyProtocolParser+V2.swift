import ParapetCore

/// The fixed bytes 12–15 of a v2 header, checked before the rest arrives.
struct V2Prelude: Hashable, Sendable {
    enum Family: Hashable, Sendable {
        case unspecified, inet, inet6, unix

        /// The bytes of the source and destination addresses and ports that follow the fixed part.
        var addressBlockLength: Int {
            switch self {
            case .unspecified: 0
            case .inet: 12
            case .inet6: 36
            case .unix: 216
            }
        }
    }

    var command: ProxyProtocolHeader.Command
    var family: Family
    var transport: ProxyProtocolHeader.TransportProtocol
    /// The declared length of everything after the fixed part.
    var length: Int

    static func parse(versionAndCommand: UInt8, family byte: UInt8, length: Int) -> Result<
        V2Prelude, ProxyProtocolError
    > {
        guard versionAndCommand >> 4 == 2 else { return .failure(.v2UnsupportedVersion(versionAndCommand >> 4)) }
        let command: ProxyProtocolHeader.Command
        switch versionAndCommand & 0x0F {
        case 0x0: command = .local
        case 0x1: command = .proxy
        default: return .failure(.v2UnknownCommand(versionAndCommand & 0x0F))
        }
        // Only these seven values are defined; receivers must reject the others.
        let family: Family
        let transport: ProxyProtocolHeader.TransportProtocol
        switch byte {
        case 0x00: (family, transport) = (.unspecified, .unspecified)
        case 0x11: (family, transport) = (.inet, .tcp)
        case 0x12: (family, transport) = (.inet, .udp)
        case 0x21: (family, transport) = (.inet6, .tcp)
        case 0x22: (family, transport) = (.inet6, .udp)
        case 0x31: (family, transport) = (.unix, .tcp)
        case 0x32: (family, transport) = (.unix, .udp)
        default: return .failure(.v2UnknownFamily(byte))
        }
        guard length >= family.addressBlockLength else {
            return .failure(.v2LengthTooShort(declared: length, addressBlock: family.addressBlockLength))
        }
        return .success(V2Prelude(command: command, family: family, transport: transport, length: length))
    }
}

extension ProxyProtocolParser {
    /// The longest unique ID a v2 header may carry.
    static let maxUniqueIDLength = 128

    /// Parses a complete v2 header (`bytes.count` is 16 plus the declared length).
    static func parseV2(_ bytes: [UInt8], prelude: V2Prelude) -> Decision {
        var header = ProxyProtocolHeader(version: .v2, command: prelude.command, transport: prelude.transport)
        let blockStart = v2FixedLength
        if prelude.command == .proxy {
            (header.source, header.destination) = addresses(bytes[blockStart...], family: prelude.family)
        }
        var offset = blockStart + prelude.family.addressBlockLength
        var checksumOffset: Int?
        while offset < bytes.count {
            guard bytes.count - offset >= 3 else { return .invalid(.v2TruncatedTLV(offset: offset)) }
            let type = bytes[offset]
            let length = Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            let valueStart = offset + 3
            guard length <= bytes.count - valueStart else { return .invalid(.v2TruncatedTLV(offset: offset)) }
            let value = Array(bytes[valueStart..<(valueStart + length)])
            switch type {
            case ProxyProtocolHeader.TLV.crc32c:
                guard checksumOffset == nil else { return .invalid(.v2DuplicateTLV(type: type)) }
                guard length == 4 else {
                    return .invalid(.v2InvalidTLV(type: type, reason: "is \(length) bytes, not 4"))
                }
                checksumOffset = valueStart
            case ProxyProtocolHeader.TLV.alpn:
                guard header.alpn == nil else { return .invalid(.v2DuplicateTLV(type: type)) }
                header.alpn = value
            case ProxyProtocolHeader.TLV.authority:
                guard header.authority == nil else { return .invalid(.v2DuplicateTLV(type: type)) }
                guard let authority = String(validating: value, as: UTF8.self) else {
                    return .invalid(.v2InvalidTLV(type: type, reason: "is not UTF-8"))
                }
                header.authority = authority
            case ProxyProtocolHeader.TLV.uniqueID:
                guard header.uniqueID == nil else { return .invalid(.v2DuplicateTLV(type: type)) }
                guard length <= maxUniqueIDLength else {
                    return .invalid(.v2InvalidTLV(type: type, reason: "is \(length) bytes, over 128"))
                }
                header.uniqueID = value
            default:
                // NOOP, SSL (with its sub-TLVs), NETNS and custom types are kept raw.
                break
            }
            header.tlvs.append(ProxyProtocolHeader.TLV(type: type, value: value))
            offset = valueStart + length
        }
        if let checksumOffset {
            let field = checksumOffset..<(checksumOffset + 4)
            let sent = bytes[field].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            var crc = CRC32C()
            crc.update(with: bytes[..<field.lowerBound])
            crc.update(with: [0, 0, 0, 0])
            crc.update(with: bytes[field.upperBound...])
            guard crc.checksum == sent else { return .invalid(.v2ChecksumMismatch(sent: sent, computed: crc.checksum)) }
            header.isChecksumVerified = true
        }
        return .header(header, consumed: bytes.count)
    }

    /// The source and destination in an address block known to be long enough for `family`.
    private static func addresses(
        _ block: ArraySlice<UInt8>,
        family: V2Prelude.Family
    ) -> (NetworkAddress?, NetworkAddress?) {
        let start = block.startIndex
        func integer(_ offset: Int, _ count: Int) -> UInt128 {
            block[(start + offset)..<(start + offset + count)].reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
        }
        func path(_ offset: Int) -> NetworkAddress {
            let field = block[(start + offset)..<(start + offset + 108)]
            return .unixSocket(path: String(decoding: field.prefix { $0 != 0 }, as: UTF8.self))
        }
        switch family {
        case .unspecified:
            return (nil, nil)
        case .inet:
            return (
                .ip(.v4(UInt32(truncatingIfNeeded: integer(0, 4))), port: UInt16(truncatingIfNeeded: integer(8, 2))),
                .ip(.v4(UInt32(truncatingIfNeeded: integer(4, 4))), port: UInt16(truncatingIfNeeded: integer(10, 2)))
            )
        case .inet6:
            return (
                .ip(.v6(integer(0, 16)), port: UInt16(truncatingIfNeeded: integer(32, 2))),
                .ip(.v6(integer(16, 16)), port: UInt16(truncatingIfNeeded: integer(34, 2)))
            )
        case .unix:
            return (path(0), path(108))
        }
    }
}
