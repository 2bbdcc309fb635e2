import Parapet
import Testing

@testable import ParapetNIO

@Suite("PROXY protocol parser")
struct ProxyProtocolParserTests {
    // MARK: Detection

    @Test(arguments: ["", "P", "PROX", "PROXY", "\r", "\r\n\r\n", "\r\n\r\n\0\r\nQUIT"])
    func prefixesOfASignatureNeedMoreData(_ text: String) {
        #expect(ProxyProtocolParser.decide(ascii(text)) == .needMoreData)
    }

    @Test(arguments: [
        "GET / HTTP/1.1\r\n", "POST /", "PRI * HTTP/2.0\r\n", "PROXYTCP4", "proxy TCP4", "\r\n\r\n\0\r\nQUIX\n",
        "\u{16}\u{03}\u{01}", "\n",
    ])
    func otherStreamsAreNotProxyProtocol(_ text: String) {
        #expect(ProxyProtocolParser.decide(ascii(text)) == .notProxyProtocol)
    }

    // MARK: v1

    @Test func v1TCP4() {
        let line = "PROXY TCP4 192.0.2.1 198.51.100.7 54321 443\r\n"
        let expected = ProxyProtocolHeader(
            version: .v1,
            transport: .tcp,
            source: ipEndpoint("192.0.2.1", 54321),
            destination: ipEndpoint("198.51.100.7", 443)
        )
        #expect(
            ProxyProtocolParser.decide(ascii(line + "GET / HTTP/1.1\r\n"))
                == .header(expected, consumed: line.utf8.count))
    }

    @Test func v1TCP6() {
        let line = "PROXY TCP6 2001:db8::1 ::ffff:10.0.0.1 0 65535\r\n"
        let expected = ProxyProtocolHeader(
            version: .v1,
            transport: .tcp,
            source: ipEndpoint("2001:db8::1", 0),
            destination: ipEndpoint("::ffff:10.0.0.1", 65535)
        )
        #expect(ProxyProtocolParser.decide(ascii(line)) == .header(expected, consumed: line.utf8.count))
    }

    @Test(arguments: [
        "PROXY UNKNOWN\r\n",
        "PROXY UNKNOWN 1.2.3.4 whatever goes\r\n",
        // The longest line the protocol allows: 107 bytes.
        "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n",
    ])
    func v1UnknownKeepsNoAddresses(_ line: String) {
        let expected = ProxyProtocolHeader(version: .v1, transport: .unspecified)
        #expect(ProxyProtocolParser.decide(ascii(line + "rest")) == .header(expected, consumed: line.utf8.count))
    }

    static let malformedV1: [(String, ProxyProtocolError)] = [
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", .v1InvalidCharacter(0x0A)),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX", .v1InvalidCharacter(0x0D)),
        ("PROXY TCP4 1.2.3.4\t5.6.7.8 1 2\r\n", .v1InvalidCharacter(0x09)),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\0\r\n", .v1InvalidCharacter(0x00)),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 \u{e9}\r\n", .v1InvalidCharacter(0xC3)),
        ("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n", .v1UnknownProtocol("TCP5")),
        ("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n", .v1UnknownProtocol("tcp4")),
        ("PROXY UNKNOWNX\r\n", .v1UnknownProtocol("UNKNOWNX")),
        ("PROXY \r\n", .v1UnknownProtocol("")),
        ("PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n", .v1UnknownProtocol("")),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", .v1WrongFieldCount(5)),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n", .v1WrongFieldCount(7)),
        ("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n", .v1WrongFieldCount(7)),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n", .v1WrongFieldCount(7)),
        ("PROXY TCP4\r\n", .v1WrongFieldCount(2)),
        ("PROXY TCP4 256.2.3.4 5.6.7.8 1 2\r\n", .v1InvalidAddress("256.2.3.4")),
        ("PROXY TCP4 1.2.3.4 5.6.7.300 1 2\r\n", .v1InvalidAddress("5.6.7.300")),
        ("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n", .v1InvalidAddress("01.2.3.4")),
        ("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n", .v1InvalidAddress("1.2.3")),
        ("PROXY TCP4 1.2.3.4.5 5.6.7.8 1 2\r\n", .v1InvalidAddress("1.2.3.4.5")),
        ("PROXY TCP4 ::1 5.6.7.8 1 2\r\n", .v1InvalidAddress("::1")),
        ("PROXY TCP4 1.2.3.4 ::1 1 2\r\n", .v1InvalidAddress("::1")),
        ("PROXY TCP6 1.2.3.4 ::1 1 2\r\n", .v1InvalidAddress("1.2.3.4")),
        ("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n", .v1InvalidAddress("fe80::1%eth0")),
        ("PROXY TCP6 ::1 1::2::3 1 2\r\n", .v1InvalidAddress("1::2::3")),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n", .v1InvalidPort("65536")),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 99999\r\n", .v1InvalidPort("99999")),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 080 2\r\n", .v1InvalidPort("080")),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 00 2\r\n", .v1InvalidPort("00")),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n", .v1InvalidPort("-1")),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 +1 2\r\n", .v1InvalidPort("+1")),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 0x10\r\n", .v1InvalidPort("0x10")),
        ("PROXY TCP4 1.2.3.4 5.6.7.8 1 123456\r\n", .v1InvalidPort("123456")),
        // 106 bytes without a CR: the CRLF can no longer end the line within 107.
        ("PROXY UNKNOWN " + String(repeating: "a", count: 92), .v1LineTooLong),
        // A CRLF one byte too late: 108 bytes.
        ("PROXY UNKNOWN " + String(repeating: "a", count: 92) + "\r\n", .v1LineTooLong),
    ]

    @Test(arguments: malformedV1)
    func malformedV1IsInvalid(_ line: String, _ error: ProxyProtocolError) {
        #expect(ProxyProtocolParser.decide(ascii(line)) == .invalid(error))
    }

    @Test func v1LineWaitsForItsCRLF() {
        var parser = ProxyProtocolParser()
        #expect(parser.parse(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r")) == .needMoreData)
        #expect(parser.parse(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n")) != .needMoreData)
    }

    // MARK: v2

    @Test func v2ProxyTCP4WithEveryTypedTLV() {
        var builder = V2HeaderBuilder()
        let uniqueID = [UInt8](repeating: 0xAB, count: 128)
        builder.tlvs = [
            (ProxyProtocolHeader.TLV.alpn, ascii("h2")),
            (ProxyProtocolHeader.TLV.noop, [0, 0, 0]),
            (ProxyProtocolHeader.TLV.authority, ascii("exämple.com")),
            (ProxyProtocolHeader.TLV.uniqueID, uniqueID),
            (ProxyProtocolHeader.TLV.ssl, [0x01, 0, 0, 0, 0, 0x21, 0, 7] + ascii("TLSv1.3")),
            (0xE0, []),
        ]
        builder.addsChecksum = true
        let bytes = builder.bytes
        guard case .header(let header, let consumed) = ProxyProtocolParser.decide(bytes + ascii("GET")) else {
            Issue.record("expected a header")
            return
        }
        #expect(consumed == bytes.count)
        #expect(header.version == .v2 && header.command == .proxy && header.transport == .tcp)
        #expect(header.source == ipEndpoint("192.0.2.1", 54321))
        #expect(header.destination == ipEndpoint("198.51.100.7", 443))
        #expect(header.alpn == ascii("h2"))
        #expect(header.authority == "exämple.com")
        #expect(header.uniqueID == uniqueID)
        #expect(header.isChecksumVerified)
        #expect(header.tlvs.map(\.type) == [0x01, 0x04, 0x02, 0x05, 0x20, 0xE0, 0x03])
        #expect(header.tlvs[4].value == [0x01, 0, 0, 0, 0, 0x21, 0, 7] + ascii("TLSv1.3"))
    }

    @Test func v2ProxyTCP6AndUDP() {
        var builder = V2HeaderBuilder()
        builder.family = 0x22
        let source: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]
        builder.addressBlock = source + [UInt8](repeating: 0, count: 15) + [1] + [0x13, 0x88, 0, 53]
        guard case .header(let header, _) = ProxyProtocolParser.decide(builder.bytes) else {
            Issue.record("expected a header")
            return
        }
        #expect(header.transport == .udp)
        #expect(header.source == ipEndpoint("2001:db8::1", 5000))
        #expect(header.destination == ipEndpoint("::1", 53))
        #expect(!header.isChecksumVerified && header.tlvs.isEmpty)
    }

    @Test func v2ProxyUnixSocket() {
        var builder = V2HeaderBuilder()
        builder.family = 0x31
        func field(_ path: String) -> [UInt8] { ascii(path) + [UInt8](repeating: 0, count: 108 - path.utf8.count) }
        builder.addressBlock = field("/run/client.sock") + [UInt8](repeating: UInt8(ascii: "x"), count: 108)
        guard case .header(let header, _) = ProxyProtocolParser.decide(builder.bytes) else {
            Issue.record("expected a header")
            return
        }
        #expect(header.source == .unixSocket(path: "/run/client.sock"))
        #expect(header.destination == .unixSocket(path: String(repeating: "x", count: 108)))
    }

    @Test func v2LocalKeepsNoAddressesButReadsTLVs() {
        var builder = V2HeaderBuilder()
        builder.versionAndCommand = 0x20
        builder.tlvs = [(ProxyProtocolHeader.TLV.uniqueID, ascii("health"))]
        builder.addsChecksum = true
        let expected = ProxyProtocolHeader(
            version: .v2,
            command: .local,
            transport: .tcp,
            uniqueID: ascii("health"),
            tlvs: [
                .init(type: ProxyProtocolHeader.TLV.uniqueID, value: ascii("health")),
                .init(type: ProxyProtocolHeader.TLV.crc32c, value: Array(builder.bytes.suffix(4))),
            ],
            isChecksumVerified: true
        )
        #expect(ProxyProtocolParser.decide(builder.bytes) == .header(expected, consumed: builder.bytes.count))

        var bare = V2HeaderBuilder()
        bare.versionAndCommand = 0x20
        bare.family = 0x00
        bare.addressBlock = []
        let local = ProxyProtocolHeader(version: .v2, command: .local, transport: .unspecified)
        #expect(ProxyProtocolParser.decide(bare.bytes) == .header(local, consumed: 16))
    }

    @Test func v2ProxyWithUnspecifiedFamilyKeepsNoAddresses() {
        var builder = V2HeaderBuilder()
        builder.family = 0x00
        builder.addressBlock = []
        builder.tlvs = [(ProxyProtocolHeader.TLV.noop, [])]
        guard case .header(let header, let consumed) = ProxyProtocolParser.decide(builder.bytes) else {
            Issue.record("expected a header")
            return
        }
        #expect(consumed == 19 && header.source == nil && header.command == .proxy && header.transport == .unspecified)
    }

    struct MalformedV2: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var error: ProxyProtocolError
        var testDescription: String { name }
    }

    /// Valid headers with one thing wrong each.
    static let malformedV2: [MalformedV2] = {
        func header(_ change: (inout V2HeaderBuilder) -> Void) -> [UInt8] {
            var builder = V2HeaderBuilder()
            change(&builder)
            return builder.bytes
        }
        var badChecksum = header { $0.addsChecksum = true }
        badChecksum[badChecksum.count - 1] ^= 0x01
        let good = header { $0.addsChecksum = true }
        let sent = good.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        var flippedAddress = good
        flippedAddress[16] ^= 0x80
        return [
            MalformedV2(
                name: "version 1", bytes: header { $0.versionAndCommand = 0x11 }, error: .v2UnsupportedVersion(1)),
            MalformedV2(
                name: "version 3", bytes: header { $0.versionAndCommand = 0x31 }, error: .v2UnsupportedVersion(3)),
            MalformedV2(name: "command 2", bytes: header { $0.versionAndCommand = 0x22 }, error: .v2UnknownCommand(2)),
            MalformedV2(
                name: "command 15", bytes: header { $0.versionAndCommand = 0x2F }, error: .v2UnknownCommand(15)),
            MalformedV2(name: "family 0x13", bytes: header { $0.family = 0x13 }, error: .v2UnknownFamily(0x13)),
            MalformedV2(name: "family 0x10", bytes: header { $0.family = 0x10 }, error: .v2UnknownFamily(0x10)),
            MalformedV2(name: "family 0x01", bytes: header { $0.family = 0x01 }, error: .v2UnknownFamily(0x01)),
            MalformedV2(name: "family 0x41", bytes: header { $0.family = 0x41 }, error: .v2UnknownFamily(0x41)),
            MalformedV2(
                name: "INET length 11", bytes: header { $0.declaredLength = 11 },
                error: .v2LengthTooShort(declared: 11, addressBlock: 12)),
            MalformedV2(
                name: "INET6 length 12", bytes: header { $0.family = 0x21 },
                error: .v2LengthTooShort(declared: 12, addressBlock: 36)),
            MalformedV2(
                name: "UNIX length 12", bytes: header { $0.family = 0x31 },
                error: .v2LengthTooShort(declared: 12, addressBlock: 216)),
            MalformedV2(
                name: "TLV header cut", bytes: header { $0.addressBlock += [0x04, 0x00] },
                error: .v2TruncatedTLV(offset: 28)),
            MalformedV2(
                name: "TLV value cut", bytes: header { $0.addressBlock += [0x04, 0x00, 0x02, 0xFF] },
                error: .v2TruncatedTLV(offset: 28)),
            MalformedV2(
                name: "TLV past length",
                bytes: header {
                    $0.tlvs = [(0x04, [1, 2, 3])]; $0.declaredLength = 16
                }, error: .v2TruncatedTLV(offset: 28)),
            MalformedV2(
                name: "CRC mismatch", bytes: badChecksum, error: .v2ChecksumMismatch(sent: sent ^ 1, computed: sent)),
            MalformedV2(
                name: "CRC over changed address", bytes: flippedAddress,
                error: .v2ChecksumMismatch(
                    sent: sent, computed: CRC32C.checksum(of: flippedAddress.dropLast(4) + [0, 0, 0, 0]))),
            MalformedV2(
                name: "CRC 3 bytes", bytes: header { $0.tlvs = [(0x03, [1, 2, 3])] },
                error: .v2InvalidTLV(type: 0x03, reason: "is 3 bytes, not 4")),
            MalformedV2(
                name: "CRC twice",
                bytes: header {
                    $0.tlvs = [(0x03, [1, 2, 3, 4])]; $0.addsChecksum = true
                }, error: .v2DuplicateTLV(type: 0x03)),
            MalformedV2(
                name: "unique ID 129", bytes: header { $0.tlvs = [(0x05, [UInt8](repeating: 1, count: 129))] },
                error: .v2InvalidTLV(type: 0x05, reason: "is 129 bytes, over 128")),
            MalformedV2(
                name: "authority not UTF-8", bytes: header { $0.tlvs = [(0x02, [0x66, 0xC3, 0x28])] },
                error: .v2InvalidTLV(type: 0x02, reason: "is not UTF-8")),
            MalformedV2(
                name: "ALPN twice", bytes: header { $0.tlvs = [(0x01, ascii("h2")), (0x01, ascii("h2"))] },
                error: .v2DuplicateTLV(type: 0x01)),
            MalformedV2(
                name: "authority twice", bytes: header { $0.tlvs = [(0x02, ascii("a")), (0x02, ascii("b"))] },
                error: .v2DuplicateTLV(type: 0x02)),
            MalformedV2(
                name: "unique ID twice", bytes: header { $0.tlvs = [(0x05, []), (0x05, [])] },
                error: .v2DuplicateTLV(type: 0x05)),
        ]
    }()

    @Test(arguments: malformedV2)
    func malformedV2IsInvalid(_ malformed: MalformedV2) {
        #expect(ProxyProtocolParser.decide(malformed.bytes) == .invalid(malformed.error))
    }

    @Test func v2PreludeIsRejectedBeforeTheBodyArrives() {
        var builder = V2HeaderBuilder()
        builder.family = 0x99
        builder.declaredLength = 0xFFFF
        #expect(ProxyProtocolParser.decide(Array(builder.bytes.prefix(16))) == .invalid(.v2UnknownFamily(0x99)))
    }

    @Test func v2WaitsForItsDeclaredLength() {
        let bytes = V2HeaderBuilder().bytes
        #expect(ProxyProtocolParser.decide(Array(bytes.dropLast())) == .needMoreData)
        var longest = V2HeaderBuilder()
        longest.declaredLength = 0xFFFF
        #expect(ProxyProtocolParser.decide(longest.bytes) == .needMoreData)
    }

    // MARK: Incremental feeding

    @Test(arguments: [
        ascii("PROXY TCP6 2001:db8::1 2001:db8::2 1 2\r\nGET / HTTP/1.1\r\n"),
        V2HeaderBuilder(tlvs: [(0x02, ascii("example.com"))], addsChecksum: true).bytes + ascii("GET /"),
    ])
    func byteByByteFeedingMatchesOneShot(_ bytes: [UInt8]) {
        let oneShot = ProxyProtocolParser.decide(bytes)
        var parser = ProxyProtocolParser()
        var decisions: [ProxyProtocolParser.Decision] = []
        for end in 0...bytes.count {
            let decision = parser.parse(bytes[..<end])
            decisions.append(decision)
            if decision != .needMoreData { break }
        }
        guard case .header(_, let consumed) = oneShot else {
            Issue.record("expected a header, got \(oneShot)")
            return
        }
        #expect(decisions.last == oneShot)
        #expect(decisions.count == consumed + 1)
        // A decided parser keeps its decision.
        #expect(parser.parse(bytes) == oneShot)
    }

    /// Random single-byte changes, truncations and junk: the parser always decides or waits, never traps,
    /// and never claims bytes it was not given.
    @Test func mutatedHeadersNeverTrap() {
        let seeds: [[UInt8]] = [
            ascii("PROXY TCP4 192.0.2.1 198.51.100.7 54321 443\r\n"),
            ascii("PROXY TCP6 2001:db8::1 ::ffff:10.0.0.1 0 65535\r\n"),
            V2HeaderBuilder(tlvs: [(0x01, ascii("h2")), (0x05, [1, 2, 3])], addsChecksum: true).bytes,
            V2HeaderBuilder(family: 0x21, addressBlock: [UInt8](repeating: 1, count: 36)).bytes,
        ]
        var random = TestRandom(state: 0x5EED)
        for _ in 0..<20_000 {
            var bytes = seeds[random.next(below: seeds.count)]
            for _ in 0...random.next(below: 3) {
                switch random.next(below: 3) {
                case 0: bytes[random.next(below: bytes.count)] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes = Array(bytes.prefix(random.next(below: bytes.count + 1)))
                default: bytes += (0..<random.next(below: 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                }
                if bytes.isEmpty { break }
            }
            var parser = ProxyProtocolParser()
            var decision = ProxyProtocolParser.Decision.needMoreData
            var end = 0
            while end < bytes.count, decision == .needMoreData {
                end = min(bytes.count, end + 1 + random.next(below: 40))
                decision = parser.parse(bytes[..<end])
            }
            if case .header(_, let consumed) = decision {
                #expect(consumed <= end)
            }
        }
    }
}
