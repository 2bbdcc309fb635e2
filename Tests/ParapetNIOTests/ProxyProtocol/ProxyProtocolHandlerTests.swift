import NIOCore
import NIOEmbedded
import Parapet
import Testing

@testable import ParapetNIO

/// The hook and its handler on an `EmbeddedChannel`: the pipeline as the server builds it, with virtual time.
@Suite("PROXY protocol connection hook")
struct ProxyProtocolHandlerTests {
    static let loadBalancer = ipEndpoint("10.1.2.3", 40_000)

    /// A connected channel from `peer`, configured by `hook`.
    struct Connection {
        let channel = EmbeddedChannel()
        let accepted: AcceptedConnection

        init(_ hook: ProxyProtocol, from peer: NetworkAddress? = loadBalancer) throws {
            accepted = AcceptedConnection(socketPeer: peer, local: ipEndpoint("10.0.0.1", 8080))
            try hook.configure(channel, connection: accepted)
            channel.connect(to: try SocketAddress(ipAddress: "10.0.0.1", port: 8080), promise: nil)
        }

        func send(_ bytes: [UInt8]) throws {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        }

        /// Every byte the handler passed on.
        func forwarded() throws -> [UInt8] {
            var bytes: [UInt8] = []
            while let buffer = try channel.readInbound(as: ByteBuffer.self) {
                bytes += buffer.readableBytesView
            }
            return bytes
        }

        var hasHandler: Bool {
            (try? channel.pipeline.syncOperations.handler(type: ProxyProtocolHandler.self)) != nil
        }

        var isOpen: Bool { channel.isActive }
    }

    static func hook(isRequired: Bool = false, headerTimeout: Duration? = .seconds(5)) throws -> ProxyProtocol {
        try ProxyProtocol(trusting: ["10.0.0.0/8"], isRequired: isRequired, headerTimeout: headerTimeout)
    }

    static let request = ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n")

    @Test func v1HeaderRewritesThePeerAndForwardsTheRest() throws {
        let connection = try Connection(Self.hook())
        #expect(connection.hasHandler)
        try connection.send(ascii("PROXY TCP4 203.0.113.9 10.0.0.1 51000 443\r\n") + Self.request)
        #expect(try connection.forwarded() == Self.request)
        let info = connection.accepted.info
        #expect(info.peer == ipEndpoint("203.0.113.9", 51000))
        #expect(info.local == ipEndpoint("10.0.0.1", 8080))
        #expect(info.proxyProtocol?.version == .v1)
        #expect(info.proxyProtocol?.destination == ipEndpoint("10.0.0.1", 443))
        #expect(connection.accepted.socketPeer == Self.loadBalancer)
        #expect(!connection.hasHandler)
        #expect(connection.isOpen)
    }

    @Test func v2HeaderArrivingByteByByte() throws {
        let connection = try Connection(Self.hook())
        var builder = V2HeaderBuilder()
        builder.tlvs = [
            (ProxyProtocolHeader.TLV.alpn, ascii("http/1.1")), (ProxyProtocolHeader.TLV.authority, ascii("a.example")),
        ]
        builder.addsChecksum = true
        let header = builder.bytes
        for byte in header + Self.request.prefix(3) {
            try connection.send([byte])
            if connection.hasHandler {
                #expect(try connection.forwarded().isEmpty)
                #expect(connection.accepted.info.proxyProtocol == nil)
            }
        }
        #expect(!connection.hasHandler)
        try connection.send(Array(Self.request.dropFirst(3)))
        #expect(try connection.forwarded() == Self.request)
        let info = connection.accepted.info
        #expect(info.peer == ipEndpoint("192.0.2.1", 54321))
        #expect(info.proxyProtocol?.alpn == ascii("http/1.1"))
        #expect(info.proxyProtocol?.authority == "a.example")
        #expect(info.proxyProtocol?.isChecksumVerified == true)
    }

    @Test func headerAloneThenPayload() throws {
        let connection = try Connection(Self.hook())
        try connection.send(V2HeaderBuilder().bytes)
        #expect(try connection.forwarded().isEmpty)
        #expect(!connection.hasHandler)
        try connection.send(Self.request)
        #expect(try connection.forwarded() == Self.request)
    }

    @Test(arguments: [
        ascii("PROXY UNKNOWN\r\n"),
        V2HeaderBuilder(versionAndCommand: 0x20).bytes,
        V2HeaderBuilder(family: 0x00, addressBlock: []).bytes,
    ])
    func localAndUnknownKeepTheSocketPeer(_ header: [UInt8]) throws {
        let connection = try Connection(Self.hook())
        try connection.send(header + Self.request)
        #expect(try connection.forwarded() == Self.request)
        #expect(connection.accepted.info.peer == Self.loadBalancer)
        #expect(connection.accepted.info.proxyProtocol != nil)
        #expect(connection.accepted.info.proxyProtocol?.source == nil)
    }

    @Test func aUnixSocketClientKeepsTheSocketPeer() throws {
        let connection = try Connection(Self.hook())
        try connection.send(V2HeaderBuilder.unixSocket(source: "/run/client.sock").bytes + Self.request)
        #expect(try connection.forwarded() == Self.request)
        // The balancer's own address stays the peer: a path on its host names no client.
        #expect(connection.accepted.info.peer == Self.loadBalancer)
        #expect(connection.accepted.info.proxyProtocol?.source == .unixSocket(path: "/run/client.sock"))
    }

    @Test(arguments: [
        ipEndpoint("192.0.2.50", 1234), ipEndpoint("::1", 1234), nil, NetworkAddress.unixSocket(path: "/tmp/s"),
    ])
    func untrustedPeersAreLeftAlone(_ peer: NetworkAddress?) throws {
        // Required, even: an untrusted connection gets no handler at all.
        let connection = try Connection(Self.hook(isRequired: true), from: peer)
        #expect(!connection.hasHandler)
        let spoof = ascii("PROXY TCP4 6.6.6.6 10.0.0.1 1 2\r\n") + Self.request
        try connection.send(spoof)
        #expect(try connection.forwarded() == spoof)
        #expect(connection.accepted.info.peer == peer)
        #expect(connection.accepted.info.proxyProtocol == nil)
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(connection.isOpen)
    }

    @Test func trustedConnectionWithoutHeaderPassesThroughWhenNotRequired() throws {
        let connection = try Connection(Self.hook())
        // "PR" could still start a v1 header; "I" shows it does not.
        try connection.send(ascii("PR"))
        #expect(try connection.forwarded().isEmpty)
        try connection.send(ascii("I * HTTP/2.0\r\n\r\n"))
        #expect(try connection.forwarded() == ascii("PRI * HTTP/2.0\r\n\r\n"))
        #expect(connection.accepted.info.peer == Self.loadBalancer)
        #expect(connection.accepted.info.proxyProtocol == nil)
        #expect(!connection.hasHandler)
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(connection.isOpen)
    }

    @Test func trustedConnectionWithoutHeaderIsClosedWhenRequired() throws {
        let connection = try Connection(Self.hook(isRequired: true))
        #expect(throws: ProxyProtocolError.missingHeader) { try connection.send(Self.request) }
        #expect(!connection.isOpen)
        #expect(try connection.forwarded().isEmpty)
        #expect(connection.accepted.info.peer == Self.loadBalancer)
    }

    @Test(arguments: [
        (ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n"), ProxyProtocolError.v1InvalidPort("65536")),
        (ascii("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n"), .v1InvalidAddress("1.2.3.256")),
        (ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"), .v1InvalidCharacter(0x0A)),
        (ascii("PROXY " + String(repeating: "X", count: 120)), .v1LineTooLong),
        (V2HeaderBuilder(versionAndCommand: 0x11).bytes, .v2UnsupportedVersion(1)),
        (V2HeaderBuilder(declaredLength: 4).bytes, .v2LengthTooShort(declared: 4, addressBlock: 12)),
        (
            V2HeaderBuilder(tlvs: [(0x03, [0, 0, 0, 0])]).bytes,
            .v2ChecksumMismatch(
                sent: 0, computed: CRC32C.checksum(of: V2HeaderBuilder(tlvs: [(0x03, [0, 0, 0, 0])]).bytes))
        ),
    ])
    func malformedHeadersCloseTheConnection(_ bytes: [UInt8], _ error: ProxyProtocolError) throws {
        let connection = try Connection(Self.hook())
        #expect(throws: error) { try connection.send(bytes + Self.request) }
        #expect(!connection.isOpen)
        #expect(try connection.forwarded().isEmpty)
        #expect(connection.accepted.info.peer == Self.loadBalancer)
        #expect(connection.accepted.info.proxyProtocol == nil)
    }

    @Test func incompleteHeaderTimesOut() throws {
        let connection = try Connection(Self.hook(headerTimeout: .seconds(5)))
        try connection.send(ascii("PROXY TCP4 1.2.3.4 "))
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(4_999))
        #expect(connection.isOpen)
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!connection.isOpen)
        #expect(throws: ProxyProtocolError.timedOut) { try connection.channel.throwIfErrorCaught() }
        #expect(try connection.forwarded().isEmpty)
    }

    @Test func silentConnectionTimesOut() throws {
        let connection = try Connection(Self.hook(headerTimeout: .milliseconds(250)))
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(250))
        #expect(!connection.isOpen)
        #expect(throws: ProxyProtocolError.timedOut) { try connection.channel.throwIfErrorCaught() }
    }

    @Test func timeoutStopsOnceTheHeaderIsRead() throws {
        let connection = try Connection(Self.hook(headerTimeout: .seconds(1)))
        try connection.send(ascii("PROXY UNKNOWN\r\n"))
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(3_600))
        #expect(connection.isOpen)
        try connection.channel.throwIfErrorCaught()
    }

    @Test func noTimeoutWaitsForever() throws {
        let connection = try Connection(Self.hook(headerTimeout: nil))
        try connection.send(ascii("PROXY TCP4 "))
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(86_400))
        #expect(connection.isOpen)
        try connection.send(ascii("1.2.3.4 5.6.7.8 1 2\r\n"))
        #expect(connection.accepted.info.peer == ipEndpoint("1.2.3.4", 1))
    }

    @Test func inputClosedInsideTheHeaderCloses() throws {
        let connection = try Connection(Self.hook())
        try connection.send(Array(V2HeaderBuilder().bytes.prefix(20)))
        connection.channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(!connection.isOpen)
        #expect(throws: ProxyProtocolError.truncated) { try connection.channel.throwIfErrorCaught() }
    }

    @Test func oneBadConnectionLeavesItsNeighbourAlone() throws {
        let hook = try Self.hook()
        let bad = try Connection(hook)
        let good = try Connection(hook)
        try good.send(ascii("PROXY TCP4 "))
        #expect(throws: ProxyProtocolError.self) { try bad.send(ascii("PROXY TCP4 nope\r\n")) }
        try good.send(ascii("1.2.3.4 5.6.7.8 1 2\r\n") + Self.request)
        #expect(!bad.isOpen && good.isOpen)
        #expect(try good.forwarded() == Self.request)
    }

    @Test func cidrConvenienceRejectsBadNetworks() {
        #expect(throws: ConfigurationError.invalidCIDR("10.0.0.0/33")) {
            try ProxyProtocol(trusting: ["10.0.0.0/8", "10.0.0.0/33"])
        }
    }
}
