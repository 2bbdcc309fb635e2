import Crypto
import Foundation
import ParapetCore
public import NIOSSL
import SwiftASN1
import X509

/// A certificate chain and its private key, with the host names it serves (for SNI selection).
///
/// ```swift
/// let site = try TLSCertificate.pem(certificateFile: "/etc/tls/site.crt", keyFile: "/etc/tls/site.key")
/// let dev = try TLSCertificate.selfSigned(commonName: "localhost", hosts: ["localhost", "127.0.0.1"])
/// ```
public struct TLSCertificate: Sendable {
    /// The leaf certificate first, then its intermediates.
    public let chain: [NIOSSLCertificate]
    /// The leaf's private key.
    public let privateKey: NIOSSLPrivateKey
    /// The DNS names the leaf is valid for (subject alternative names, else its common name),
    /// lower-cased; `*.example.com` entries are wildcards.
    public let hostNames: [String]

    /// Creates a certificate from a parsed chain and key.
    ///
    /// - Throws: ``TLSConfigurationError/emptyChain`` when `chain` is empty.
    public init(chain: [NIOSSLCertificate], privateKey: NIOSSLPrivateKey) throws {
        guard let leaf = chain.first else { throw TLSConfigurationError.emptyChain }
        self.chain = chain
        self.privateKey = privateKey
        self.hostNames = Self.hostNames(of: leaf)
    }

    /// Loads a PEM certificate chain and a PEM private key from files.
    ///
    /// - Throws: ``TLSConfigurationError/unreadable(path:reason:)`` naming the file that could not be used.
    public static func pem(certificateFile: String, keyFile: String) throws -> TLSCertificate {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw TLSConfigurationError.unreadable(path: certificateFile, reason: "\(error)")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw TLSConfigurationError.unreadable(path: keyFile, reason: "\(error)")
        }
        return try TLSCertificate(chain: chain, privateKey: key)
    }

    /// Parses a PEM certificate chain and a PEM private key held in memory.
    ///
    /// - Throws: ``TLSConfigurationError/invalidPEM(_:)`` saying which of the two did not parse.
    public static func pem(certificate: String, privateKey: String) throws -> TLSCertificate {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(certificate.utf8))
        } catch {
            throw TLSConfigurationError.invalidPEM("certificate: \(error)")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: Array(privateKey.utf8), format: .pem)
        } catch {
            throw TLSConfigurationError.invalidPEM("private key: \(error)")
        }
        return try TLSCertificate(chain: chain, privateKey: key)
    }

    /// Generates a self-signed certificate for development: an ECDSA P-256 key, a random 128-bit serial,
    /// and each of `hosts` as an IP-address or DNS subject alternative name.
    ///
    /// Go's parapet generates RSA-2048; P-256 is as widely accepted and far faster to generate and use.
    ///
    /// - Parameters:
    ///   - commonName: the subject's common name.
    ///   - hosts: names and IP literals the certificate is valid for.
    ///   - validFor: the validity period, starting now; ten years by default.
    public static func selfSigned(
        commonName: String,
        hosts: [String],
        validFor: Duration = .seconds(10 * 365 * 24 * 3600)
    ) throws -> TLSCertificate {
        let signingKey = P256.Signing.PrivateKey()
        let key = Certificate.PrivateKey(signingKey)
        let name = try DistinguishedName { CommonName(commonName) }
        let alternativeNames: [GeneralName] = hosts.map { host in
            switch IPAddress(host) {
            case .v4(let value)?:
                return .ipAddress(ASN1OctetString(contentBytes: (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }[...]))
            case .v6(let value)?:
                return .ipAddress(ASN1OctetString(contentBytes: (0..<16).map { UInt8(truncatingIfNeeded: value >> (120 - 8 * $0)) }[...]))
            case nil:
                return .dnsName(host)
            }
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(alternativeNames)
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-60),
            notValidAfter: now.addingTimeInterval(Double(validFor.components.seconds)),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: key
        )
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return try TLSCertificate(
            chain: [try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der)],
            privateKey: try NIOSSLPrivateKey(bytes: Array(signingKey.derRepresentation), format: .der)
        )
    }

    /// The DNS names in the leaf's subject alternative names, or its common name when it has none.
    private static func hostNames(of leaf: NIOSSLCertificate) -> [String] {
        guard let der = try? leaf.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else { return [] }
        var names: [String] = []
        if let alternatives = try? parsed.extensions.subjectAlternativeNames {
            for case .dnsName(let name) in alternatives { names.append(name.lowercased()) }
        }
        if names.isEmpty {
            for relative in parsed.subject {
                for attribute in relative where attribute.type == .RDNAttributeType.commonName {
                    names.append("\(attribute.value)".lowercased())
                }
            }
        }
        return names
    }
}

/// A TLS setting that cannot work.
public enum TLSConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No certificates were configured.
    case noCertificates
    /// A certificate chain was empty.
    case emptyChain
    /// A file could not be read or parsed.
    case unreadable(path: String, reason: String)
    /// In-memory PEM text did not parse.
    case invalidPEM(String)

    public var description: String {
        switch self {
        case .noCertificates: return "TLS needs at least one certificate"
        case .emptyChain: return "a TLS certificate chain is empty"
        case .unreadable(let path, let reason): return "cannot use \(path): \(reason)"
        case .invalidPEM(let what): return "invalid PEM \(what)"
        }
    }
}
