public import HTTPTypes
public import ParapetCore

/// Where a target taken from a client's `Host` may not lead: cloud metadata services and link-local
/// addresses, which a forward proxy must never reach on a client's say-so (SSRF: `Host: 169.254.169.254`
/// would hand the instance's credentials to anyone).
///
/// ``TargetFromHost`` checks the host name and literal addresses before the request leaves; the transport
/// that resolves a name checks every address it resolved before it dials, and dials only checked
/// addresses, so a name that resolves — or is rebound — to a refused address is refused too.
///
/// ```swift
/// var policy = DynamicTargetPolicy()                                   // the default refusals
/// policy.refusedNetworks.removeAll { $0.description == "169.254.0.0/16" }   // allow link-local explicitly
/// server.use(Upstream(TargetFromHost(transport: http, policy: policy)))
/// ```
public struct DynamicTargetPolicy: Sendable, Hashable {
    /// Addresses never dialled: by default IPv4 and IPv6 link-local (`169.254.0.0/16`, `fe80::/10`,
    /// which hold AWS, GCP, Azure and Oracle metadata at `169.254.169.254`), Alibaba's metadata address
    /// `100.100.100.200` and AWS's IPv6 metadata address `fd00:ec2::254`. IPv4-mapped IPv6 addresses count
    /// as their IPv4 address.
    public var refusedNetworks: [IPNetwork]
    /// Host names never dialled, compared without case and without a trailing dot: by default the
    /// metadata services' names (`metadata.google.internal`, `metadata.goog`, `metadata`,
    /// `instance-data`, `instance-data.ec2.internal`).
    public var refusedNames: Set<String>

    /// The default refused networks (``refusedNetworks``).
    public static let linkLocalAndMetadataNetworks: [IPNetwork] = [
        "169.254.0.0/16", "fe80::/10", "100.100.100.200/32", "fd00:ec2::254/128",
    ].compactMap { try? IPNetwork($0) }

    /// The default refused names (``refusedNames``).
    public static let metadataNames: Set<String> = [
        "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
    ]

    /// A policy that refuses nothing: every host a client names is dialled. Only for a proxy whose clients
    /// are all trusted.
    public static let unrestricted = DynamicTargetPolicy(refusedNetworks: [], refusedNames: [])

    /// Creates a policy; the defaults refuse link-local and metadata addresses and names.
    public init(
        refusedNetworks: [IPNetwork] = Self.linkLocalAndMetadataNetworks,
        refusedNames: Set<String> = Self.metadataNames
    ) {
        self.refusedNetworks = refusedNetworks
        self.refusedNames = Set(refusedNames.map(Self.normalized))
    }

    /// Why `host` (a name or an IP literal, without port or brackets) may not be dialled; `nil` when it may
    /// — for a name, until it resolves.
    public func refusal(forHost host: String) -> UpstreamTargetRefused.Reason? {
        if let address = IPAddress(host) { return refusal(for: address) }
        let name = Self.normalized(host)
        return refusedNames.contains(name) ? .refusedName(name) : nil
    }

    /// Why `address` may not be dialled; `nil` when it may.
    public func refusal(for address: IPAddress) -> UpstreamTargetRefused.Reason? {
        refusedNetworks.first { $0.contains(address) }.map { .refusedAddress(address, network: $0) }
    }

    private static func normalized(_ name: String) -> String {
        let lowered = name.lowercased()
        return lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered
    }
}

/// A transport would not send a request where it was asked to: it had no target, or the target a client
/// chose is one ``DynamicTargetPolicy`` refuses.
///
/// The proxy answers ``status`` at once, never retrying, and logs ``description`` at warning level.
public struct UpstreamTargetRefused: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the target was refused.
    public enum Reason: Sendable, Hashable {
        /// The request reached a leaf transport with no ``UpstreamRequest/target``: nothing chose one, and
        /// a transport never falls back to the client's `Host` (use ``SingleHost``, a balancer, or
        /// ``TargetFromHost``).
        case noTarget
        /// ``TargetFromHost`` got a request that names no host.
        case noHost
        /// The name is one of ``DynamicTargetPolicy/refusedNames``.
        case refusedName(String)
        /// The address — given, or resolved from the name — lies in a refused network.
        case refusedAddress(IPAddress, network: IPNetwork)
    }

    /// The target as asked for (`host:port`), when there was one.
    public var target: String?
    /// Why it was refused.
    public var reason: Reason

    /// Creates the error.
    public init(target: String?, reason: Reason) {
        self.target = target
        self.reason = reason
    }

    /// `502 Bad Gateway` when there was no target (the proxy is set up wrong), `400 Bad Request` when
    /// the client named no host, `403 Forbidden` when it named a refused one.
    public var status: HTTPResponse.Status {
        switch reason {
        case .noTarget: .badGateway
        case .noHost: .badRequest
        case .refusedName, .refusedAddress: .forbidden
        }
    }

    public var description: String {
        switch reason {
        case .noTarget:
            "no upstream target: wrap the transport in SingleHost, a balancer, or TargetFromHost"
        case .noHost:
            "no upstream target: the request names no host"
        case .refusedName(let name):
            "refused upstream target \(target ?? name): \(name) is a metadata service name"
        case .refusedAddress(let address, let network):
            "refused upstream target \(target ?? "\(address)"): \(address) lies in \(network)"
        }
    }
}
