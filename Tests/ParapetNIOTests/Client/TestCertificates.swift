import Crypto
import Foundation
import NIOSSL
import Parapet
import SwiftASN1
import X509

/// A test certificate authority that issues server certificates (the server's own self-signed helper
/// makes leaves that cannot act as trust roots).
struct TestCertificateAuthority {
    let key = P256.Signing.PrivateKey()
    let name: DistinguishedName
    let certificate: Certificate

    init(commonName: String = "Parapet Test CA") throws {
        name = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-60), notValidAfter: now.addingTimeInterval(3600),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(key))
    }

    /// The authority's certificate, to trust.
    var root: NIOSSLCertificate {
        get throws { try NIOSSLCertificate(bytes: try Self.der(certificate), format: .der) }
    }

    /// A server certificate for `hosts` (DNS names), signed by this authority.
    func issue(_ hosts: [String]) throws -> TLSCertificate {
        let leafKey = P256.Signing.PrivateKey()
        let now = Date()
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
            notValidBefore: now.addingTimeInterval(-60), notValidAfter: now.addingTimeInterval(3600),
            issuer: name, subject: try DistinguishedName { CommonName(hosts[0]) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(hosts.map { .dnsName($0) })
            },
            issuerPrivateKey: .init(key))
        return try TLSCertificate(
            chain: [try NIOSSLCertificate(bytes: try Self.der(leaf), format: .der)],
            privateKey: try NIOSSLPrivateKey(bytes: Array(leafKey.derRepresentation), format: .der))
    }

    private static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}
