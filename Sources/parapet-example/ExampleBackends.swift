#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Parapet

/// The example's backends, by name: `PARAPET_EXAMPLE_UPSTREAM_<NAME>` when set, the README's host
/// otherwise. Each is a URL whose scheme picks the transport — `http://` (pooled HTTP/1.1), `h2c://`
/// (cleartext HTTP/2) or `https://` (TLS, certificates verified) — and whose authority is the target.
struct ExampleBackends {
    let http: HTTPClientTransport
    let h2c: H2CTransport
    let https: HTTPSTransport

    init() throws {
        http = try HTTPClientTransport()
        h2c = try H2CTransport()
        https = try HTTPSTransport()
    }

    /// A balancer target for the backend `name`.
    func target(_ name: String, default fallback: String) throws -> Target {
        let url = try BackendURL(environment("PARAPET_EXAMPLE_UPSTREAM_\(name)") ?? fallback, name: name)
        return Target(url.address, transport: transport(for: url.scheme))
    }

    /// A proxy to the single backend `name`.
    func upstream(_ name: String, default fallback: String) throws -> Upstream {
        let url = try BackendURL(environment("PARAPET_EXAMPLE_UPSTREAM_\(name)") ?? fallback, name: name)
        return Upstream(SingleHost(url.address, transport: transport(for: url.scheme)))
    }

    private func transport(for scheme: BackendURL.Scheme) -> any Transport {
        switch scheme {
        case .http: http
        case .h2c: h2c
        case .https: https
        }
    }
}

/// A backend's URL: `scheme://host[:port]`, the port defaulting to the scheme's.
struct BackendURL: Equatable {
    enum Scheme: String {
        case http, h2c, https
    }

    let scheme: Scheme
    /// `host:port`.
    let address: String

    init(_ text: String, name: String) throws {
        let parts = text.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let scheme = Scheme(rawValue: parts[0].lowercased()) else {
            throw ConfigurationError.invalidValue(
                field: "PARAPET_EXAMPLE_UPSTREAM_\(name)", reason: "\"\(text)\" is not an http://, h2c:// or https:// URL")
        }
        let authority = parts[1].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard !authority.isEmpty else {
            throw ConfigurationError.invalidValue(field: "PARAPET_EXAMPLE_UPSTREAM_\(name)", reason: "\"\(text)\" has no host")
        }
        let hasPort = authority.hasPrefix("[") ? authority.contains("]:") : authority.contains(":")
        self.scheme = scheme
        self.address = hasPort ? String(authority) : "\(authority):\(scheme == .https ? 443 : 80)"
    }
}
