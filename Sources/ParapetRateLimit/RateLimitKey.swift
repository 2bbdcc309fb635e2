import Crypto
public import ParapetCore

/// The bucket a request is counted in: a client address, or any text a key function derives from the
/// request (a header value, a user id, a tenant).
///
/// Addresses are folded with ``ParapetCore/IPAddress/unmapped``, so a client reaching the server over
/// IPv4 and over an IPv4-mapped IPv6 socket (`::ffff:203.0.113.7`) has one key. A text key never equals an
/// address key, even when the text spells the address.
///
/// A ``RateLimit`` groups IPv6 address keys by network (``RateLimit/Options/ipv6PrefixLength``, a /64 by
/// default), because one subscriber usually holds a whole /64 and can change addresses inside it at will;
/// a grouped key prints as the network, `2001:db8:1:2::/64`.
///
/// A text longer than ``maxTextBytes`` (a client can put a megabyte into a header a key is read from) is
/// held as its first characters and its SHA-256, so a full key table stays small whatever clients send.
///
/// ```swift
/// let mapped = RateLimitKey(IPAddress("::ffff:203.0.113.7")!)
/// assert(mapped == RateLimitKey(IPAddress("203.0.113.7")!))
/// let byToken = RateLimitKey("api-key:3f9c")
/// ```
public struct RateLimitKey: Hashable, Sendable, CustomStringConvertible {
    private enum Storage: Hashable, Sendable {
        /// An address with the bits past `prefixLength` cleared; the full width for one address.
        case address(IPAddress, prefixLength: UInt8)
        case text(String)
        /// A text over ``RateLimitKey/maxTextBytes``: its start, for logs, and its SHA-256, for identity.
        case longText(start: String, digest: SHA256Digest)
    }

    /// The longest text, in UTF-8 bytes, a key holds as it is.
    public static let maxTextBytes = 256

    private let storage: Storage

    /// The key of the client at `address` (IPv4-mapped IPv6 folded into IPv4).
    public init(_ address: IPAddress) {
        let unmapped = address.unmapped
        storage = .address(unmapped, prefixLength: unmapped.isIPv4 ? 32 : 128)
    }

    /// The key of `client`: its address, or for a peer without one the text `unix:PATH` or `unknown` —
    /// one key for every request from that peer.
    public init(_ client: ClientAddress) {
        if let address = client.ipAddress {
            self.init(address)
        } else {
            self.init(client.description)
        }
    }

    /// A key made of `text`.
    public init(_ text: String) {
        if text.utf8.count <= Self.maxTextBytes {
            storage = .text(text)
        } else {
            // Scalars, not characters: one character can hold any number of combining marks.
            let start = String(String.UnicodeScalarView(text.unicodeScalars.prefix(32)))
            storage = .longText(start: start, digest: SHA256.hash(data: Array(text.utf8)))
        }
    }

    /// This key with an IPv6 address reduced to its network of `prefixLength` bits (`0...128`); IPv4
    /// addresses, networks already as wide or wider, and text keys are returned as they are.
    ///
    /// ```swift
    /// let subscriber = RateLimitKey(IPAddress("2001:db8:1:2::7")!).grouped(ipv6PrefixLength: 64)
    /// print(subscriber)   // 2001:db8:1:2::/64
    /// ```
    public func grouped(ipv6PrefixLength prefixLength: Int) -> RateLimitKey {
        guard case .address(.v6(let bits), let current) = storage, prefixLength < Int(current) else { return self }
        let mask: UInt128 = prefixLength <= 0 ? 0 : UInt128.max << (128 - prefixLength)
        return RateLimitKey(storage: .address(.v6(bits & mask), prefixLength: UInt8(max(prefixLength, 0))))
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    /// The client address, for a key made from one (the network's address, for a grouped key).
    public var address: IPAddress? {
        if case .address(let address, _) = storage { return address }
        return nil
    }

    /// The address (`network/length` for a grouped key) or the text (a long text as its start and
    /// `…sha256:` with the hex digest). Client keys are unbounded in number:
    /// log them, but do not use them as metric labels.
    public var description: String {
        switch storage {
        case .address(let address, let prefixLength):
            prefixLength == (address.isIPv4 ? 32 : 128) ? "\(address)" : "\(address)/\(prefixLength)"
        case .text(let text): text
        case .longText(let start, let digest): "\(start)…sha256:\(digest.map { hex($0) }.joined())"
        }
    }
}

private func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16)
    return byte < 16 ? "0" + digits : digits
}
