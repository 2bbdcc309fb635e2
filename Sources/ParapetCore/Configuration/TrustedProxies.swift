/// The peers whose forwarding headers (`X-Forwarded-For`, `X-Real-IP`, `X-Forwarded-Proto`) are believed,
/// and the `X-Forwarded-For` hops skipped on the way to the client (see
/// ``ForwardingHeaders/client(forwardedFor:realIP:peer:trusting:)``): list every proxy in front of the
/// server, and nothing a client can stand in.
///
/// ```swift
/// var configuration = ServerConfiguration.frontend
/// configuration.trustedProxies = try TrustedProxies(cidrs: ["10.0.0.0/8", "fd00::/8"])
/// ```
///
/// Where the proxies are not a fixed list — a CDN whose published ranges the application refreshes — a
/// ``Rule`` decides besides the networks:
///
/// ```swift
/// let edge = TrustedProxies.Rule("cdn-ranges") { address in cdnRanges.current.contains(address) }
/// configuration.trustedProxies = TrustedProxies(networks: [], rules: [edge])
/// ```
public struct TrustedProxies: Sendable, Equatable {
    /// A caller's test of whether an address is a trusted proxy, named so that configurations holding it
    /// can be told apart and printed: two rules are equal when their names are.
    public struct Rule: Sendable, Equatable, CustomStringConvertible {
        /// The name configurations are compared and described by.
        public let name: String
        /// Whether the proxy at an address is trusted; called for every forwarding hop the server walks, so
        /// it should be quick and must not block.
        public let trusts: @Sendable (IPAddress) -> Bool

        /// Creates a rule called `name`.
        public init(_ name: String, trusts: @escaping @Sendable (IPAddress) -> Bool) {
            self.name = name
            self.trusts = trusts
        }

        public var description: String { "Rule(\(name))" }

        public static func == (lhs: Rule, rhs: Rule) -> Bool {
            lhs.name == rhs.name
        }
    }

    /// The trusted networks; together with no ``rules``, empty trusts nobody.
    public let networks: [IPNetwork]
    /// Rules trusting further peers, beyond ``networks``.
    public let rules: [Rule]

    /// Trusts the peers inside `networks`, and those any of `rules` trusts.
    public init(networks: [IPNetwork], rules: [Rule] = []) {
        self.networks = networks
        self.rules = rules
    }

    /// Trusts the peers inside the networks written in CIDR notation, and those any of `rules` trusts.
    ///
    /// - Throws: ``ConfigurationError/invalidCIDR(_:)`` naming the first entry that does not parse.
    public init(cidrs: [String], rules: [Rule] = []) throws(ConfigurationError) {
        var networks: [IPNetwork] = []
        for cidr in cidrs {
            networks.append(try IPNetwork(cidr))
        }
        self.init(networks: networks, rules: rules)
    }

    /// Trusts nobody: every peer's forwarding headers are replaced. The edge profile's default.
    public static let none = TrustedProxies(networks: [])

    /// Trusts the private (RFC 1918, RFC 4193) and loopback ranges: `10.0.0.0/8`, `172.16.0.0/12`,
    /// `192.168.0.0/16`, `127.0.0.0/8`, `fc00::/7`, `::1/128`.
    public static let privateAndLoopback = TrustedProxies(
        networks: [
            IPNetwork(uncheckedAddress: .v4(0x0A00_0000), prefixLength: 8),
            IPNetwork(uncheckedAddress: .v4(0xAC10_0000), prefixLength: 12),
            IPNetwork(uncheckedAddress: .v4(0xC0A8_0000), prefixLength: 16),
            IPNetwork(uncheckedAddress: .v4(0x7F00_0000), prefixLength: 8),
            IPNetwork(uncheckedAddress: .v6(UInt128(0xFC00) << 112), prefixLength: 7),
            IPNetwork(uncheckedAddress: .v6(1), prefixLength: 128),
        ]
    )

    /// Whether a peer at `address` is trusted; unknown and non-IP peers never are.
    public func trusts(_ address: NetworkAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }
        return trustsHop(ip)
    }
}

extension IPNetwork {
    /// A network from parts known to be valid (a masked address and an in-range prefix).
    init(uncheckedAddress address: IPAddress, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }
}
