import ParapetCore

/// A dial address parsed from a ``ParapetUpstream/UpstreamRequest/target``: `host:port`, `[v6]:port`, or
/// a bare host that takes the scheme's default port.
///
/// ```swift
/// UpstreamTarget(parsing: "10.0.0.7:8080", defaultPort: 80)   // host "10.0.0.7", port 8080
/// UpstreamTarget(parsing: "[::1]:443", defaultPort: 443)      // host "::1", port 443
/// ```
struct UpstreamTarget: Hashable, Sendable {
    /// The host name or IP literal, without brackets.
    var host: String
    /// The TCP port.
    var port: UInt16

    /// Parses `text`; `nil` when the port is not a number in 1...65535 or the host is empty.
    init?(parsing text: String, defaultPort: UInt16) {
        var host = Substring(text)
        var port = defaultPort
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let parsed = UInt16(rest.dropFirst()), parsed > 0 else { return nil }
                port = parsed
            }
        } else if let colon = host.lastIndex(of: ":"), !host[..<colon].contains(":") {
            guard let parsed = UInt16(host[host.index(after: colon)...]), parsed > 0 else { return nil }
            port = parsed
            host = host[..<colon]
        }
        guard !host.isEmpty else { return nil }
        self.host = String(host)
        self.port = port
    }

    /// The IP address, when the host is a literal.
    var ipAddress: IPAddress? { IPAddress(host) }
}
