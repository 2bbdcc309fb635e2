extension ForwardingHeaders {
    /// The client of a request from `peer`, as nginx's `real_ip_recursive on` finds it.
    ///
    /// * An **untrusted peer** (or one without an IP address) is the client; its headers are not read.
    /// * From a **trusted peer**, `X-Forwarded-For` is walked from the right — its field lines in order, the
    ///   entries of each separated by commas — skipping the hops that are trusted proxies themselves. The
    ///   first untrusted entry is the client. An entry that is not an address (see
    ///   ``address(inEntry:)``) stops the walk, and the last trusted hop — ultimately the peer — is the
    ///   client: nobody trusted vouched for what lies left of it. When every entry is trusted, the leftmost
    ///   is the client. Empty entries (`a,,b`, a blank field line) are skipped, as nginx does.
    /// * `X-Real-IP` is the source only when `X-Forwarded-For` has no entry at all — a trusted proxy that
    ///   sets `X-Real-IP` without appending to `X-Forwarded-For` — and is believed only when it is one
    ///   address; otherwise the peer is the client. One source, never a mix: most load balancers append
    ///   to `X-Forwarded-For` but pass a client's own `X-Real-IP` through untouched, so a request that has
    ///   both is decided by `X-Forwarded-For`. (A proxy that sets only `X-Real-IP` must therefore not pass
    ///   the client's `X-Forwarded-For` on; nginx's `proxy_add_x_forwarded_for` appends as required.)
    ///
    /// Appending is what makes the walk safe: the entries a client wrote itself sit left of the first
    /// untrusted hop, so rotating or garbling them changes nothing, and no value removes the request from
    /// per-client accounting.
    ///
    /// ```swift
    /// let client = ForwardingHeaders.client(
    ///     forwardedFor: ["6.6.6.6, 203.0.113.7, 10.0.0.2"], realIP: nil,
    ///     peer: .ip(IPAddress("10.0.0.1")!, port: 40_000), trusting: .privateAndLoopback)
    /// // .ip(203.0.113.7): 10.0.0.1 and 10.0.0.2 are trusted, 203.0.113.7 is not; 6.6.6.6 is its claim.
    /// ```
    public static func client(
        forwardedFor: [String], realIP: String?, peer: NetworkAddress?, trusting trusted: TrustedProxies
    ) -> ClientAddress {
        guard let peerAddress = peer?.ipAddress, trusted.trustsHop(peerAddress) else {
            return ClientAddress(peer: peer)
        }
        var lastTrustedHop = peerAddress.unmapped
        var hasEntry = false
        for line in forwardedFor.reversed() {
            for entry in line.split(separator: ",").reversed() where !entry.trimmingWhitespace.isEmpty {
                hasEntry = true
                guard let hop = address(inEntry: entry) else { return .ip(lastTrustedHop) }
                guard trusted.trustsHop(hop) else { return .ip(hop.unmapped) }
                lastTrustedHop = hop.unmapped
            }
        }
        if !hasEntry, let realIP, let named = address(inEntry: realIP) {
            return .ip(named.unmapped)
        }
        return .ip(lastTrustedHop)
    }

    /// The address one `X-Forwarded-For` entry (or an `X-Real-IP` value) names; `nil` when it is not one.
    ///
    /// Accepted, with spaces and tabs around: an IPv4 address (`203.0.113.7`), optionally with a port
    /// (`203.0.113.7:4711`, as some load balancers append); an IPv6 address bare (`2001:db8::7`) or in
    /// brackets, optionally with a port (`[2001:db8::7]`, `[2001:db8::7]:443`). Everything else is not an
    /// address: `unknown`, RFC 7239 obfuscated identifiers (`_hidden`), host names, zone indices
    /// (`fe80::1%eth0`), ports out of range, IPv4 octets with leading zeros.
    ///
    /// ```swift
    /// ForwardingHeaders.address(inEntry: " [2001:db8::7]:443")   // 2001:db8::7
    /// ForwardingHeaders.address(inEntry: "unknown")              // nil
    /// ```
    public static func address(inEntry entry: some StringProtocol) -> IPAddress? {
        let text = Substring(entry).trimmingWhitespace
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let inside = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            guard inside.contains(":"), after.isEmpty || (after.first == ":" && isPort(after.dropFirst())) else {
                return nil
            }
            return IPAddress(inside)
        }
        // One colon: IPv4 with a port. (Every IPv6 address has at least two.)
        if let colon = text.firstIndex(of: ":"), text.lastIndex(of: ":") == colon {
            guard isPort(text[text.index(after: colon)...]) else { return nil }
            return IPAddress(text[..<colon])
        }
        return IPAddress(text)
    }

    /// Whether `text` is a TCP port: 1 to 5 digits, at most 65535.
    private static func isPort(_ text: Substring) -> Bool {
        (1...5).contains(text.utf8.count) && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
            && Int(text).map { $0 <= 65_535 } == true
    }
}

extension TrustedProxies {
    /// Whether a hop at `address` is a trusted proxy.
    func trustsHop(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) } || rules.contains { $0.trusts(address) }
    }
}
