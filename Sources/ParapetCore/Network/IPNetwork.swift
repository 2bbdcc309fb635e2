/// An IP network in CIDR notation, such as `10.0.0.0/8` or `fd00::/8`.
///
/// IPv4 networks also contain the IPv4-mapped IPv6 spelling of their addresses, since dual-stack
/// sockets report IPv4 peers that way.
///
/// ```swift
/// let office = try IPNetwork("192.168.0.0/16")
/// office.contains(IPAddress("192.168.4.20")!)   // true
/// ```
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    /// The network address, with host bits cleared.
    public let address: IPAddress
    /// The prefix length in bits.
    public let prefixLength: Int

    /// Parses `address/prefix`; a bare address is a single-host network (`/32` or `/128`).
    ///
    /// - Throws: ``ConfigurationError/invalidCIDR(_:)`` naming the text when it is not a network.
    public init(_ text: String) throws(ConfigurationError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let parsed = IPAddress(parts[0]) else {
            throw .invalidCIDR(text)
        }
        let maxLength = parsed.bitWidth
        var length = maxLength
        if parts.count == 2 {
            guard let explicit = Int(parts[1]), (0...maxLength).contains(explicit),
                parts[1].allSatisfy({ $0.isASCII && $0.isNumber })
            else { throw .invalidCIDR(text) }
            length = explicit
        }
        self.prefixLength = length
        self.address = parsed.masked(toPrefix: length)
    }

    /// Whether `candidate` lies inside this network.
    public func contains(_ candidate: IPAddress) -> Bool {
        switch (address, candidate.unmapped) {
        case (.v4, .v4), (.v6, .v6):
            return candidate.unmapped.masked(toPrefix: prefixLength) == address
        case (.v6, .v4(let v4)):
            // An IPv6 network holding IPv4-mapped addresses (e.g. ::ffff:0:0/96).
            return IPAddress.v6(0xFFFF_0000_0000 | UInt128(v4)).masked(toPrefix: prefixLength) == address
        case (.v4, .v6):
            return false
        }
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

extension IPAddress {
    /// 32 for IPv4, 128 for IPv6.
    var bitWidth: Int {
        if case .v4 = self { return 32 }
        return 128
    }

    /// The address with every bit past `prefix` cleared.
    func masked(toPrefix prefix: Int) -> IPAddress {
        switch self {
        case .v4(let value):
            return .v4(prefix == 0 ? 0 : value & (UInt32.max << (32 - prefix)))
        case .v6(let value):
            return .v6(prefix == 0 ? 0 : value & (UInt128.max << (128 - prefix)))
        }
    }
}
