import Crypto
import CryptoExtras
import Foundation
import ParapetCore
import ParapetSimulation

@testable import ParapetAuthn

/// Keys the tests make once, and tokens signed with them by swift-crypto directly (never through jwt-kit,
/// whose verification is what is under test).
enum Forge {
    static let now = VirtualWallClock.defaultStart.secondsSinceEpoch
    static let hmacSecret = Array("a-32-byte-secret-for-hs256-tests!".utf8)
    static let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let p256 = P256.Signing.PrivateKey()
    static let otherP256 = P256.Signing.PrivateKey()
    static let p384 = P384.Signing.PrivateKey()
    static let ed25519 = Curve25519.Signing.PrivateKey()

    /// Ed25519 public keys have no PEM in swift-crypto: the SubjectPublicKeyInfo is a fixed prefix.
    static func pem(ed25519 key: Curve25519.Signing.PublicKey) -> String {
        let der: [UInt8] =
            [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00] + Array(key.rawRepresentation)
        return "-----BEGIN PUBLIC KEY-----\n" + base64(der) + "\n-----END PUBLIC KEY-----\n"
    }

    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    static func keys() throws -> [JWT.Key] {
        [
            try .hmac(secret: hmacSecret, algorithm: .hs256, kid: "hs"),
            try .rsa(pem: rsa.publicKey.pemRepresentation, algorithm: .rs256, kid: "rs"),
            try .rsa(pem: rsa.publicKey.pemRepresentation, algorithm: .ps256, kid: "ps"),
            try .ecdsa(pem: p256.publicKey.pemRepresentation, algorithm: .es256, kid: "es"),
            try .ecdsa(pem: p384.publicKey.pemRepresentation, algorithm: .es384, kid: "es384"),
            try .edDSA(pem: pem(ed25519: ed25519.publicKey), kid: "ed"),
        ]
    }

    static let allAlgorithms: [JWT.Algorithm] = [.hs256, .rs256, .ps256, .es256, .es384, .edDSA]

    enum Signer {
        case hs256([UInt8]), rs256, ps256, es256(P256.Signing.PrivateKey), es384, edDSA
        /// The signature bytes replaced outright.
        case raw([UInt8])
    }

    static func b64(_ text: String) -> String { Base64URL.encode(Array(text.utf8)) }

    static func claims(exp: Int64? = now + 600, extra: String = "") -> String {
        var members = [#""sub":"alice""#, #""iss":"https://issuer.example""#, #""aud":"api""#]
        if let exp { members.append(#""exp":\#(exp)"#) }
        if !extra.isEmpty { members.append(extra) }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// `header.payload.signature`, the header and payload given as JSON text.
    static func token(header: String, payload: String = claims(), signer: Signer) -> String {
        let input = b64(header) + "." + b64(payload)
        return input + "." + Base64URL.encode(sign(Array(input.utf8), with: signer))
    }

    static func sign(_ input: [UInt8], with signer: Signer) -> [UInt8] {
        switch signer {
        case .hs256(let secret):
            return Array(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: secret)))
        case .rs256:
            return Array(
                try! rsa.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
        case .ps256:
            return Array(try! rsa.signature(for: SHA256.hash(data: input), padding: .PSS).rawRepresentation)
        case .es256(let key):
            return Array(try! key.signature(for: input).rawRepresentation)
        case .es384:
            return Array(try! p384.signature(for: input).rawRepresentation)
        case .edDSA:
            return Array(try! ed25519.signature(for: input))
        case .raw(let bytes):
            return bytes
        }
    }

    /// A valid token for `kid`, signed by the matching key.
    static func valid(_ kid: String, payload: String = claims()) -> String {
        switch kid {
        case "hs": return token(header: #"{"alg":"HS256","kid":"hs"}"#, payload: payload, signer: .hs256(hmacSecret))
        case "rs": return token(header: #"{"alg":"RS256","kid":"rs"}"#, payload: payload, signer: .rs256)
        case "ps": return token(header: #"{"alg":"PS256","kid":"ps"}"#, payload: payload, signer: .ps256)
        case "es": return token(header: #"{"alg":"ES256","kid":"es"}"#, payload: payload, signer: .es256(p256))
        case "es384": return token(header: #"{"alg":"ES384","kid":"es384"}"#, payload: payload, signer: .es384)
        default: return token(header: #"{"alg":"EdDSA","kid":"ed"}"#, payload: payload, signer: .edDSA)
        }
    }
}

extension Forge {
    /// What a verifier with `keys`, accepting `algorithms`, makes of `token` at the test clock's start:
    /// `nil` when it accepts it.
    static func rejection(
        of token: String, keys: [JWT.Key], algorithms: [JWT.Algorithm], requiresExpiration: Bool = true,
        at now: WallInstant = VirtualWallClock.defaultStart
    ) async -> JWT.Rejection? {
        let verifier = TokenVerifier(
            provider: FixedKeys(keys: keys),
            rules: CompactToken.Rules(algorithms: Set(algorithms), maxTokenBytes: 8192, maxHeaderBytes: 2048),
            claimRules: ClaimRules(
                issuers: [], audiences: [], leeway: .seconds(60), requiresExpiration: requiresExpiration),
            cache: nil)
        do {
            _ = try await verifier.verify(Array(token.utf8), at: now)
            return nil
        } catch {
            return error
        }
    }
}
