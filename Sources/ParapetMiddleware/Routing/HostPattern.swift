import ParapetCore

/// One name a ``Host`` answers for.
enum HostPattern: Hashable, Sendable {
    /// Exactly this normalized host (see ``Authority/normalizedHost``).
    case exact(String)
    /// Any host ending in this suffix, which starts with a dot: `*.a.io` is `.a.io`, matching `x.a.io`
    /// and `x.y.a.io` but not `a.io`.
    case wildcard(suffix: String)
    /// Any IP-literal host inside this network.
    case network(IPNetwork)
    /// Every request: `*`.
    case any

    /// Parses a configured host name: `*`, `*.example.com`, `example.com`, `192.0.2.7` or `[2001:db8::7]`,
    /// any case, with or without one trailing dot.
    ///
    /// - Throws: ``ConfigurationError/invalidValue(field:reason:)`` naming `text` when it is none of these
    ///   (a port, a path, a `*` anywhere but a leading `*.` label).
    init(_ text: String) throws(ConfigurationError) {
        if text == "*" {
            self = .any
            return
        }
        let isWildcard = text.hasPrefix("*.")
        let name = isWildcard ? text.dropFirst(2) : text[...]
        guard let authority = Authority(name), authority.port == nil, !name.hasSuffix(":"),
            !name.contains("*"), !(isWildcard && authority.address != nil)
        else {
            throw .invalidValue(
                field: "host name",
                reason: "\"\(text)\" is not a host name (example.com), a wildcard (*.example.com), an IP address or *")
        }
        let normalized = String(authority.normalizedHost)
        self = isWildcard ? .wildcard(suffix: "." + normalized) : .exact(normalized)
    }
}
