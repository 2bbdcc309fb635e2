/// Where a connection comes from or goes to: an IP endpoint or a unix-domain socket.
///
/// ```swift
/// let upstream = NetworkAddress.ip(IPAddress("127.0.0.1")!, port: 8081)
/// let parsed = NetworkAddress(parsing: "[::1]:443")
/// ```
public enum NetworkAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IP address and TCP port.
    case ip(IPAddress, port: UInt16)
    /// A unix-domain socket path.
    case unixSocket(path: String)

    /// Parses `host:port` with an IP host (`[v6]:port` for IPv6); `nil` for anything else.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = text[..<colon]
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = host.dropFirst().dropLast()
            guard host.contains(":") else { return nil }
        } else if host.contains(":") {
            return nil
        }
        guard let ip = IPAddress(host), !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = UInt16(portText)
        else { return nil }
        self = .ip(ip, port: port)
    }

    /// The IP address, when this is an IP endpoint.
    public var ipAddress: IPAddress? {
        if case .ip(let ip, _) = self { return ip }
        return nil
    }

    /// `host:port` (`[v6]:port` for IPv6), or `unix:PATH`.
    public var description: String {
        switch self {
        case .ip(let ip, let port):
            if case .v6 = ip { return "[\(ip)]:\(port)" }
            return "\(ip):\(port)"
        case .unixSocket(let path):
            return "unix:\(path)"
        }
    }
}
