/// Picks the certificate for a TLS client's requested server name (SNI).
///
/// An exact name wins over a wildcard (`*.example.com` matches exactly one label: `www.example.com`, not
/// `example.com` or `a.b.example.com`); among equals the certificate configured first wins; a client
/// that sends no name, or a name nothing matches, gets the first certificate.
///
/// ```swift
/// let selector = CertificateSelector(hostNames: [["example.com"], ["*.example.com"]])
/// selector.index(for: "www.example.com")   // 1
/// ```
struct CertificateSelector: Sendable {
    /// The host names of each certificate, in configuration order.
    let hostNames: [[String]]

    /// The index of the certificate to present for `serverName`.
    func index(for serverName: String?) -> Int {
        guard let serverName = serverName?.lowercased(), !serverName.isEmpty else { return 0 }
        if let exact = hostNames.firstIndex(where: { $0.contains(serverName) }) {
            return exact
        }
        guard let dot = serverName.firstIndex(of: ".") else { return 0 }
        let wildcard = "*" + serverName[dot...]
        return hostNames.firstIndex { $0.contains(wildcard) } ?? 0
    }
}
