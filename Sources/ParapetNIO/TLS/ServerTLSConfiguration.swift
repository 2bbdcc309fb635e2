import NIOCore
public import NIOSSL

/// How a server terminates TLS: its certificates (chosen by SNI) and the protocols offered by ALPN.
///
/// ```swift
/// let tls = try ServerTLSConfiguration(certificates: [
///     .pem(certificateFile: "example.crt", keyFile: "example.key"),
///     .pem(certificateFile: "wildcard.crt", keyFile: "wildcard.key"),
/// ])
/// let server = Server(configuration: .frontend, tls: tls)
/// ```
public struct ServerTLSConfiguration: Sendable {
    /// The certificates; the first is presented when the client's server name matches none.
    public var certificates: [TLSCertificate]
    /// The oldest TLS version accepted.
    public var minimumVersion: TLSVersion
    /// Whether HTTP/2 is offered by ALPN (`h2` before `http/1.1`).
    public var offersHTTP2: Bool

    /// Creates a TLS configuration.
    ///
    /// - Throws: ``TLSConfigurationError/noCertificates`` for an empty list.
    public init(certificates: [TLSCertificate], minimumVersion: TLSVersion = .tlsv12, offersHTTP2: Bool = true) throws {
        guard !certificates.isEmpty else { throw TLSConfigurationError.noCertificates }
        self.certificates = certificates
        self.minimumVersion = minimumVersion
        self.offersHTTP2 = offersHTTP2
    }

    /// The protocols offered by ALPN, most preferred first.
    var applicationProtocols: [String] {
        offersHTTP2 ? ["h2", "http/1.1"] : ["http/1.1"]
    }

    /// A context serving every certificate, switching by SNI during the handshake.
    func makeContext() throws -> NIOSSLContext {
        let certificates = self.certificates
        guard let first = certificates.first else { throw TLSConfigurationError.noCertificates }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: first.chain.map { .certificate($0) },
            privateKey: .privateKey(first.privateKey)
        )
        configuration.minimumTLSVersion = minimumVersion
        configuration.applicationProtocols = applicationProtocols
        if certificates.count > 1 {
            let selector = CertificateSelector(hostNames: certificates.map(\.hostNames))
            configuration.sslContextCallback = { values, promise in
                let index = selector.index(for: values.serverHostname)
                guard index > 0 else { return promise.succeed(.noChanges) }
                var override = NIOSSLContextConfigurationOverride()
                override.certificateChain = certificates[index].chain.map { .certificate($0) }
                override.privateKey = .privateKey(certificates[index].privateKey)
                promise.succeed(override)
            }
        }
        return try NIOSSLContext(configuration: configuration)
    }
}
