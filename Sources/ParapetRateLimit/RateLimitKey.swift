public import ParapetCore

/// The bucket a request is counted in: a client address, or any text a key function derives from the
/// request (a header value, a user id, a tenant).
///
/// Addresses are folded with ``ParapetCore/IPAddress/unmapped``, so a client reaching the server over
/// IPv4 and over an IPv4-mapped IPv6 socket (`::ffff:203.0.113.7`) has one key. A text key never equals an
/// address key, even when the text spells the address.
///
/// ```swift
/// let mapped = RateLimitKey(IPAddress("::ffff:203.0.113.7")!)
/// assert(mapped == RateLimitKey(IPAddress("203.0.113.7")!))
/// let byToken = RateLimitKey("api-key:3f9c")
/// ```
public struct RateLimitKey: Hashable, Sendable, CustomStringConvertible {
    private enum Storage: Hashable, Sendable {
        case address(IPAddress)
        case text(String)
    }

    private let storage: Storage

    /// The key of the client at `address` (IPv4-mapped IPv6 folded into IPv4).
    ///
    /// ```swift
    /// let key = RateLimitKey(IPAddress("2001:db8::7")!)
    /// ```
    public init(_ address: IPAddress) {
        storage = .address(address.unmapped)
    }

    /// A key made of `text`.
    ///
    /// ```swift
    /// let key = RateLimitKey("tenant:acme")
    /// ```
    public init(_ text: String) {
        storage = .text(text)
    }

    /// The client address, for a key made from one.
    ///
    /// ```swift
    /// if let address = event.key.address, address.isIPv4 { … }
    /// ```
    public var address: IPAddress? {
        if case .address(let address) = storage { return address }
        return nil
    }

    /// The address or the text. Client keys are unbounded in number: log them, but do not use them as
    /// metric labels.
    ///
    /// ```swift
    /// logger.info("limited", metadata: ["key": "\(event.key)"])
    /// ```
    public var description: String {
        switch storage {
        case .address(let address): "\(address)"
        case .text(let text): text
        }
    }
}
