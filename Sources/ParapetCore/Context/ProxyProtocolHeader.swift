/// A PROXY-protocol header (HAProxy's v1 text line or v2 binary block) that a trusted load balancer sent
/// at the start of a connection.
///
/// Parapet records the header on the connection, so handlers can read what the load balancer learned
/// about the client: its address, the TLS ALPN and server name it saw, and a unique connection ID.
///
/// ```swift
/// let handler = Endpoint { request, context in
///     guard let header = context.connection.proxyProtocol else { return .text("direct\n") }
///     let client = header.source.map { "\($0)" } ?? "unknown"
///     return .text("via \(header.version), client \(client), authority \(header.authority ?? "-")\n")
/// }
/// ```
public struct ProxyProtocolHeader: Sendable, Hashable {
    /// The protocol version the header was written in.
    public enum Version: Int, Sendable, Hashable {
        /// The human-readable text line, `PROXY TCP4 … \r\n`.
        case v1 = 1
        /// The binary header that starts with the 12-byte signature and may carry TLVs.
        case v2 = 2
    }

    /// What the sender asks the receiver to do with the addresses.
    public enum Command: Sendable, Hashable {
        /// The connection was relayed for the client named by ``ProxyProtocolHeader/source``.
        case proxy
        /// The sender opened the connection on its own behalf (a health check, say): the socket's own
        /// endpoints stand. Only v2 has it.
        case local
    }

    /// The transport the client used to reach the sender.
    public enum TransportProtocol: Sendable, Hashable {
        /// A stream connection (`TCP4`, `TCP6`, or v2's `STREAM`).
        case tcp
        /// A datagram flow (v2's `DGRAM`).
        case udp
        /// Not stated: v1 `UNKNOWN`, or v2's unspecified family.
        case unspecified
    }

    /// One type-length-value field of a v2 header, in the order it was sent.
    ///
    /// The typed ones are also decoded into ``ProxyProtocolHeader/alpn``, ``ProxyProtocolHeader/authority``
    /// and ``ProxyProtocolHeader/uniqueID``; the others, such as the SSL facts, are left to the reader:
    ///
    /// ```swift
    /// let ssl = header.tlvs.first { $0.type == ProxyProtocolHeader.TLV.ssl }?.value
    /// let clientSentCertificate = (ssl?.first ?? 0) & 0x02 != 0   // PP2_CLIENT_CERT_CONN
    /// ```
    public struct TLV: Sendable, Hashable {
        /// `PP2_TYPE_ALPN`: the application protocol the client negotiated.
        public static let alpn: UInt8 = 0x01
        /// `PP2_TYPE_AUTHORITY`: the host name the client asked for (TLS SNI, for example).
        public static let authority: UInt8 = 0x02
        /// `PP2_TYPE_CRC32C`: a CRC32C checksum of the whole header.
        public static let crc32c: UInt8 = 0x03
        /// `PP2_TYPE_NOOP`: padding, ignored.
        public static let noop: UInt8 = 0x04
        /// `PP2_TYPE_UNIQUE_ID`: an opaque ID of up to 128 bytes for the connection.
        public static let uniqueID: UInt8 = 0x05
        /// `PP2_TYPE_SSL`: facts about the client's TLS session, with their own sub-TLVs (kept raw here).
        public static let ssl: UInt8 = 0x20
        /// `PP2_TYPE_NETNS`: the network namespace the connection was accepted in.
        public static let netns: UInt8 = 0x30

        /// The type byte.
        public var type: UInt8
        /// The value bytes.
        public var value: [UInt8]

        /// Creates a TLV.
        public init(type: UInt8, value: [UInt8]) {
            self.type = type
            self.value = value
        }
    }

    /// The version the header was written in.
    public var version: Version
    /// Whether the header relays a client (``Command/proxy``) or speaks for the sender itself.
    public var command: Command
    /// The client's transport, as the sender saw it.
    public var transport: TransportProtocol
    /// The client's address; `nil` for `LOCAL`, `UNKNOWN` and unspecified families.
    public var source: NetworkAddress?
    /// The address the client connected to on the sender; `nil` whenever ``source`` is.
    public var destination: NetworkAddress?
    /// The ALPN protocol ID the client negotiated with the sender (for example the bytes of `h2`).
    public var alpn: [UInt8]?
    /// The host name the client asked the sender for, such as its TLS server name.
    public var authority: String?
    /// The sender's opaque ID for this connection, at most 128 bytes.
    public var uniqueID: [UInt8]?
    /// Every TLV of a v2 header in the order sent, including the typed ones above; empty for v1.
    public var tlvs: [TLV]
    /// Whether the header carried a CRC32C checksum, which then matched: a header whose checksum does
    /// not match is rejected, so `false` means the header had none.
    public var isChecksumVerified: Bool

    /// Creates a header.
    public init(
        version: Version,
        command: Command = .proxy,
        transport: TransportProtocol,
        source: NetworkAddress? = nil,
        destination: NetworkAddress? = nil,
        alpn: [UInt8]? = nil,
        authority: String? = nil,
        uniqueID: [UInt8]? = nil,
        tlvs: [TLV] = [],
        isChecksumVerified: Bool = false
    ) {
        self.version = version
        self.command = command
        self.transport = transport
        self.source = source
        self.destination = destination
        self.alpn = alpn
        self.authority = authority
        self.uniqueID = uniqueID
        self.tlvs = tlvs
        self.isChecksumVerified = isChecksumVerified
    }
}
