import Crypto
import CryptoExtras
import JWTKit
import Testing

@testable import ParapetAuthn

/// The three jwt-kit 5.8.0 behaviours the issue names, each shown accepting a token through jwt-kit's own
/// `JWTKeyCollection` and refused by Parapet's wrapper for the right reason. Should jwt-kit change one, its
/// "jwt-kit alone" expectation fails and this note needs updating — Parapet's refusal must hold either way.
@Suite("jwt-kit corrections")
struct JWTKitCorrectionTests {
    struct Claims: JWTPayload {
        var sub: String
        func verify(using algorithm: some JWTKit.JWTAlgorithm) async throws {}
    }

    static let payload = #"{"sub":"alice","exp":\#(Forge.now + 600)}"#

    func jwtKitAccepts(_ token: String, _ collection: JWTKeyCollection) async -> Bool {
        (try? await collection.verify(token, as: Claims.self)) != nil
    }

    func rsaCollection() async -> JWTKeyCollection {
        let collection = JWTKeyCollection()
        let key = try! Insecure.RSA.PublicKey(pem: Forge.rsa.publicKey.pemRepresentation)
        await collection.add(rsa: key, digestAlgorithm: .sha256, kid: "rs")
        return collection
    }

    @Test("(a) the header's alg must be the key's pinned algorithm and an accepted one")
    func headerAlgorithmIsChecked() async throws {
        let rsaKey = try JWT.Key.rsa(pem: Forge.rsa.publicKey.pemRepresentation, algorithm: .rs256, kid: "rs")
        let cases: [(header: String, pinned: [JWT.Algorithm], expected: JWT.Rejection)] = [
            (#"{"alg":"HS256","kid":"rs"}"#, [.rs256], .algorithmNotAllowed("HS256")),
            (#"{"alg":"HS256","kid":"rs"}"#, [.hs256, .rs256], .algorithmMismatch),
            (#"{"alg":"PS256","kid":"rs"}"#, [.rs256, .ps256], .algorithmMismatch),
            (#"{"alg":"none","kid":"rs"}"#, [.rs256], .unsignedToken),
            (#"{"kid":"rs"}"#, [.rs256], .missingAlgorithm),
        ]
        for (header, pinned, expected) in cases {
            // A valid RS256 signature under a header that names another algorithm, or none.
            let token = Forge.token(header: header, payload: Self.payload, signer: .rs256)
            if !header.contains("PS256") {
                #expect(await jwtKitAccepts(token, await rsaCollection()), "jwt-kit alone accepts \(header)")
            }
            #expect(await Forge.rejection(of: token, keys: [rsaKey], algorithms: pinned) == expected, "\(header)")
        }
    }

    @Test("(b) an unknown or missing kid never falls back to a default key")
    func noDefaultKey() async throws {
        let collection = JWTKeyCollection()
        await collection.add(ecdsa: try ES256PublicKey(pem: Forge.p256.publicKey.pemRepresentation), kid: "first")
        await collection.add(ecdsa: try ES256PublicKey(pem: Forge.otherP256.publicKey.pemRepresentation), kid: "second")
        let keys = [
            try JWT.Key.ecdsa(pem: Forge.p256.publicKey.pemRepresentation, kid: "first"),
            try JWT.Key.ecdsa(pem: Forge.otherP256.publicKey.pemRepresentation, kid: "second"),
        ]
        let unknown = Forge.token(
            header: #"{"alg":"ES256","kid":"unknown"}"#, payload: Self.payload, signer: .es256(Forge.p256))
        let missing = Forge.token(header: #"{"alg":"ES256"}"#, payload: Self.payload, signer: .es256(Forge.p256))
        #expect(await jwtKitAccepts(unknown, collection), "jwt-kit alone accepts an unknown kid with its default key")
        #expect(await jwtKitAccepts(missing, collection), "jwt-kit alone accepts a missing kid with its default key")
        #expect(await Forge.rejection(of: unknown, keys: keys, algorithms: [.es256]) == .unknownKeyID)
        #expect(await Forge.rejection(of: missing, keys: keys, algorithms: [.es256]) == .missingKeyID)
        let named = Forge.token(
            header: #"{"alg":"ES256","kid":"first"}"#, payload: Self.payload, signer: .es256(Forge.p256))
        #expect(await Forge.rejection(of: named, keys: keys, algorithms: [.es256]) == nil)
    }

    @Test("(c) crit is not ignored")
    func critIsRejected() async throws {
        let token = Forge.token(
            header: #"{"alg":"RS256","kid":"rs","crit":["x-unknown"],"x-unknown":1}"#, payload: Self.payload,
            signer: .rs256)
        #expect(await jwtKitAccepts(token, await rsaCollection()), "jwt-kit alone ignores crit")
        let key = try JWT.Key.rsa(pem: Forge.rsa.publicKey.pemRepresentation, kid: "rs")
        #expect(await Forge.rejection(of: token, keys: [key], algorithms: [.rs256]) == .unsupportedCritical)
    }
}
