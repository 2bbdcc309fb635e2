/// Why a trusted connection's PROXY-protocol header was refused; the connection is closed with it.
enum ProxyProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No CRLF within the 107 bytes a v1 line may take.
    case v1LineTooLong
    /// A byte a v1 line may not hold: a control character, or a CR or LF that does not end the line.
    case v1InvalidCharacter(UInt8)
    /// The protocol field is not `TCP4`, `TCP6` or `UNKNOWN`.
    case v1UnknownProtocol(String)
    /// A `TCP4` or `TCP6` line without exactly six single-space-separated fields.
    case v1WrongFieldCount(Int)
    /// An address that is not an IP address of the line's family.
    case v1InvalidAddress(String)
    /// A port that is not a decimal number in 0...65535 without leading zeros.
    case v1InvalidPort(String)
    /// A v2 version nibble other than 2.
    case v2UnsupportedVersion(UInt8)
    /// A v2 command nibble other than `LOCAL` (0) or `PROXY` (1).
    case v2UnknownCommand(UInt8)
    /// A v2 family-and-transport byte outside the seven the protocol defines.
    case v2UnknownFamily(UInt8)
    /// A v2 length shorter than the family's address block.
    case v2LengthTooShort(declared: Int, addressBlock: Int)
    /// A TLV whose header or value runs past the declared length.
    case v2TruncatedTLV(offset: Int)
    /// A TLV whose value breaks its type's rules.
    case v2InvalidTLV(type: UInt8, reason: String)
    /// A TLV that may appear once appears again.
    case v2DuplicateTLV(type: UInt8)
    /// The CRC32C TLV does not match the header.
    case v2ChecksumMismatch(sent: UInt32, computed: UInt32)
    /// The listener requires a header and the connection started with something else.
    case missingHeader
    /// The connection ended in the middle of a header.
    case truncated
    /// No complete header arrived in time.
    case timedOut

    var description: String {
        switch self {
        case .v1LineTooLong: "PROXY v1: no CRLF within 107 bytes"
        case .v1InvalidCharacter(let byte): "PROXY v1: invalid byte 0x\(String(byte, radix: 16)) in line"
        case .v1UnknownProtocol(let text): "PROXY v1: unknown protocol \"\(text)\""
        case .v1WrongFieldCount(let count): "PROXY v1: \(count) fields instead of 6"
        case .v1InvalidAddress(let text): "PROXY v1: invalid address \"\(text)\""
        case .v1InvalidPort(let text): "PROXY v1: invalid port \"\(text)\""
        case .v2UnsupportedVersion(let version): "PROXY v2: unsupported version \(version)"
        case .v2UnknownCommand(let command): "PROXY v2: unknown command \(command)"
        case .v2UnknownFamily(let byte): "PROXY v2: unknown family/transport 0x\(String(byte, radix: 16))"
        case .v2LengthTooShort(let declared, let block):
            "PROXY v2: length \(declared) shorter than the \(block)-byte address block"
        case .v2TruncatedTLV(let offset): "PROXY v2: TLV at offset \(offset) runs past the header"
        case .v2InvalidTLV(let type, let reason): "PROXY v2: TLV 0x\(String(type, radix: 16)) \(reason)"
        case .v2DuplicateTLV(let type): "PROXY v2: TLV 0x\(String(type, radix: 16)) repeated"
        case .v2ChecksumMismatch(let sent, let computed):
            "PROXY v2: CRC32C 0x\(String(sent, radix: 16)) does not match 0x\(String(computed, radix: 16))"
        case .missingHeader: "PROXY header required but the connection started without one"
        case .truncated: "connection ended inside the PROXY header"
        case .timedOut: "no complete PROXY header in time"
        }
    }
}
