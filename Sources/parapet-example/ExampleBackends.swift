#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Parapet

/// The example's backends: `PARAPET_EXAMPLE_UPSTREAM_<NAME>` when set, the README's host otherwise. Each
/// is a URL whose scheme picks the transport — `http://` (pooled HTTP/1.1), `h2c://` (cleartext HTTP/2)
/// or `https://` (TLS, certificates verified) — and whose authority is the target.
struct ExampleBackends {
    let example: Backend
    let example1: Backend
    let exampleBackup: Backend
    let mysite: Backend
    let wordpress: Backend

    /// Reads every backend's URL, so that a bad one stops the example before it serves.
    init() throws {
        let transports = Transports()
        example = try Backend("EXAMPLE", default: "http://example.default.svc.cluster.local:8080", transports)
        example1 = try Backend("EXAMPLE1", default: "h2c://example1.default.svc.cluster.local:8080", transports)
        exampleBackup = try Backend("EXAMPLE_BACKUP", default: "https://myexamplebackuphost.com", transports)
        mysite = try Backend("MYSITE", default: "https://storage.googleapis.com", transports)
        wordpress = try Backend("WORDPRESS", default: "http://wordpress.default.svc.cluster.local", transports)
    }

    /// One transport per scheme, shared by every backend using it.
    struct Transports {
        let http = HTTPClientTransport()
        let h2c = H2CTransport()
        let https = HTTPSTransport()
    }

    /// A backend's address and the transport its scheme picks.
    struct Backend {
        let address: String
        let transport: any Transport

        init(_ name: String, default fallback: String, _ transports: Transports) throws {
            let url = try BackendURL(environment("PARAPET_EXAMPLE_UPSTREAM_\(name)") ?? fallback, name: name)
            address = url.address
            transport = switch url.scheme {
            case .http: transports.http
            case .h2c: transports.h2c
            case .https: transports.https
            }
        }

        /// The backend as a balancer's target.
        var target: Target { Target(address, transport: transport) }

        /// A proxy to this backend alone.
        var upstream: Upstream { Upstream(SingleHost(address, transport: transport)) }
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
