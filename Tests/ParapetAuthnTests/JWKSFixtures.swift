import Crypto
import ParapetCore

@testable import ParapetAuthn

/// JWKS documents for the test keys: A and B are P-256 keys, C the Ed25519 key.
enum JWKSFixtures {
    static func ec(_ key: P256.Signing.PublicKey, kid: String) -> String {
        let raw = key.rawRepresentation
        return
            #"{"kty":"EC","crv":"P-256","use":"sig","kid":"\#(kid)","x":"\#(Base64URL.encode(raw.prefix(32)))","y":"\#(Base64URL.encode(raw.suffix(32)))"}"#
    }

    static let a = ec(Forge.p256.publicKey, kid: "A")
    static let b = ec(Forge.otherP256.publicKey, kid: "B")
    static let c =
        #"{"kty":"OKP","crv":"Ed25519","kid":"C","x":"\#(Base64URL.encode(Forge.ed25519.publicKey.rawRepresentation))"}"#

    static func document(_ keys: String...) -> String { #"{"keys":[\#(keys.joined(separator: ","))]}"# }

    /// Valid until 2100, so the real wall clock of a loopback test accepts them too.
    static func token(_ kid: String, payload: String = Forge.claims(exp: 4_102_444_800)) -> String {
        switch kid {
        case "A":
            return Forge.token(header: #"{"alg":"ES256","kid":"A"}"#, payload: payload, signer: .es256(Forge.p256))
        case "B":
            return Forge.token(header: #"{"alg":"ES256","kid":"B"}"#, payload: payload, signer: .es256(Forge.otherP256))
        default: return Forge.token(header: #"{"alg":"EdDSA","kid":"C"}"#, payload: payload, signer: .edDSA)
        }
    }
}
