import Crypto
import CryptoExtras
import Foundation
import HTTPTypes
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetAuthn

/// One hostile token and the reason it must be refused for.
struct Attack: Sendable, CustomTestStringConvertible {
    /// Which keys and algorithms the authenticator is configured with.
    enum Setup: Sendable {
        /// Every test key, each pinned, every test algorithm accepted.
        case all
        /// Only the RSA key, pinned to RS256, and only RS256 accepted.
        case rsaOnly
        /// Only the RSA key (no kid), with HS256 accepted too: an HMAC check must still never use it.
        case rsaWithHMACAccepted
        /// Two P-256 keys: a token must say which.
        case twoP256
        /// Issuer and audience required.
        case issuerAndAudience
    }

    let name: String
    let token: String
    let expected: JWT.Rejection
    var setup: Setup = .all
    /// What made the token: every token here is made by swift-crypto in the test (see ``Forge``);
    /// ``PythonTokenTests`` checks tokens made by Debian's python3-jwt and python3-cryptography.
    var producer = "swift-crypto"

    var testDescription: String { name }
}

enum AttackTable {
    static let n256: [UInt8] = hex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551")

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    static func unsigned(_ alg: String) -> String {
        Forge.b64(#"{"alg":"\#(alg)","kid":"hs"}"#) + "." + Forge.b64(Forge.claims()) + "."
    }

    static func replacingSignature(of token: String, with signature: String) -> String {
        String(token[...token.lastIndex(of: ".")!]) + signature
    }

    /// `token` with the lowest bit of its last character flipped: for a 64-byte signature that bit is
    /// one of the four the encoding leaves unused, so the bytes a lenient decoder reads stay the same.
    static func flippingUnusedBit(_ token: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let value = alphabet.firstIndex(of: token.last!)!
        return String(token.dropLast()) + String(alphabet[value ^ 1])
    }

    static var attacks: [Attack] {
        let es = Forge.valid("es")
        let esSignature = String(es[es.index(after: es.lastIndex(of: ".")!)...])
        let esInput = Array(es[..<es.lastIndex(of: ".")!].utf8)
        let der = Array(try! Forge.p256.signature(for: esInput).derRepresentation)
        let rsaPEM = Array(Forge.rsa.publicKey.pemRepresentation.utf8)
        let now = Forge.now
        var attacks: [Attack] = []
        for alg in ["none", "None", "NONE", "nOnE", "NoNe"] {
            attacks.append(Attack(name: "alg \(alg), empty signature", token: unsigned(alg), expected: .unsignedToken))
        }
        attacks += [
            Attack(
                name: "alg none with a signature", token: unsigned("none") + Base64URL.encode(Forge.hmacSecret),
                expected: .unsignedToken),
            Attack(
                name: "HS256 signed with the RSA public key's PEM, kid of the RSA key",
                token: Forge.token(header: #"{"alg":"HS256","kid":"rs"}"#, signer: .hs256(rsaPEM)),
                expected: .algorithmMismatch),
            Attack(
                name: "HS256 signed with the RSA public key's PEM, RS256 pinned",
                token: Forge.token(header: #"{"alg":"HS256"}"#, signer: .hs256(rsaPEM)),
                expected: .algorithmNotAllowed("HS256"),
                setup: .rsaOnly),
            Attack(
                name: "HS256 signed with the RSA public key's PEM, HS256 accepted, RSA key alone",
                token: Forge.token(header: #"{"alg":"HS256"}"#, signer: .hs256(rsaPEM)), expected: .algorithmMismatch,
                setup: .rsaWithHMACAccepted),
            Attack(
                name: "algorithm not in the pinned list",
                token: Forge.token(header: #"{"alg":"HS512","kid":"hs"}"#, signer: .hs256(Forge.hmacSecret)),
                expected: .algorithmNotAllowed("HS512")),
            Attack(
                name: "algorithm name in the wrong case",
                token: Forge.token(header: #"{"alg":"hs256","kid":"hs"}"#, signer: .hs256(Forge.hmacSecret)),
                expected: .algorithmNotAllowed("hs256")),
            Attack(
                name: "no alg", token: Forge.token(header: #"{"kid":"hs"}"#, signer: .hs256(Forge.hmacSecret)),
                expected: .missingAlgorithm),
            Attack(
                name: "alg not a string",
                token: Forge.token(header: #"{"alg":256,"kid":"hs"}"#, signer: .hs256(Forge.hmacSecret)),
                expected: .malformedHeader),
            Attack(
                name: "RS256 token with the kid of the PS256-pinned key",
                token: Forge.token(header: #"{"alg":"RS256","kid":"ps"}"#, signer: .rs256), expected: .algorithmMismatch
            ),
            Attack(
                name: "Ed25519 token verified with the P-256 key",
                token: Forge.token(header: #"{"alg":"EdDSA","kid":"es"}"#, signer: .edDSA), expected: .algorithmMismatch
            ),
            Attack(
                name: "Ed25519 signature under an ES256 header",
                token: Forge.token(header: #"{"alg":"ES256","kid":"es"}"#, signer: .edDSA), expected: .badSignature),
        ]
        for (name, kid) in [
            ("nowhere", "nope"), ("path traversal", "../../../../dev/null"), ("SQL", "' OR '1'='1' --"),
        ] {
            attacks.append(
                Attack(
                    name: "kid pointing \(name)",
                    token: Forge.token(header: #"{"alg":"ES256","kid":"\#(kid)"}"#, signer: .es256(Forge.p256)),
                    expected: .unknownKeyID))
        }
        let attacker = Forge.otherP256.publicKey.rawRepresentation
        let x = Base64URL.encode(attacker.prefix(32))
        let y = Base64URL.encode(attacker.suffix(32))
        for (source, header) in [
            ("jku", #"{"alg":"ES256","kid":"es","jku":"https://attacker.example/jwks.json"}"#),
            ("x5u", #"{"alg":"ES256","kid":"es","x5u":"https://attacker.example/cert.pem"}"#),
            ("embedded jwk", #"{"alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(y)"}}"#),
            ("x5c", #"{"alg":"ES256","kid":"es","x5c":["MIIB"]}"#),
        ] {
            attacks.append(
                Attack(
                    name: "\(source) header is not a key source",
                    token: Forge.token(header: header, signer: .es256(Forge.otherP256)), expected: .badSignature))
        }
        attacks += [
            Attack(
                name: "kid not a string",
                token: Forge.token(header: #"{"alg":"ES256","kid":7}"#, signer: .es256(Forge.p256)),
                expected: .malformedHeader),
            Attack(
                name: "no kid among two keys of the algorithm",
                token: Forge.token(header: #"{"alg":"ES256"}"#, signer: .es256(Forge.p256)), expected: .missingKeyID,
                setup: .twoP256),
            Attack(
                name: "crit with an unknown extension",
                token: Forge.token(
                    header: #"{"alg":"ES256","kid":"es","crit":["exp"],"exp":1}"#, signer: .es256(Forge.p256)),
                expected: .unsupportedCritical),
            Attack(
                name: "crit b64 false (RFC 7797)",
                token: Forge.token(
                    header: #"{"alg":"HS256","kid":"hs","b64":false,"crit":["b64"]}"#, signer: .hs256(Forge.hmacSecret)),
                expected: .unsupportedCritical),
            Attack(
                name: "expired", token: Forge.valid("rs", payload: Forge.claims(exp: now - 3600)), expected: .expired),
            Attack(
                name: "not yet valid", token: Forge.valid("rs", payload: Forge.claims(extra: #""nbf":\#(now + 3600)"#)),
                expected: .notYetValid),
            Attack(
                name: "wrong iss",
                token: Forge.valid("ed", payload: #"{"iss":"https://evil.example","aud":"api","exp":\#(now + 60)}"#),
                expected: .wrongIssuer, setup: .issuerAndAudience),
            Attack(
                name: "wrong aud",
                token: Forge.valid(
                    "ed", payload: #"{"iss":"https://issuer.example","aud":"other","exp":\#(now + 60)}"#),
                expected: .wrongAudience, setup: .issuerAndAudience),
            Attack(
                name: "aud array without ours",
                token: Forge.valid(
                    "ed", payload: #"{"iss":"https://issuer.example","aud":["a","b"],"exp":\#(now + 60)}"#),
                expected: .wrongAudience, setup: .issuerAndAudience),
            Attack(name: "two segments", token: String(es[..<es.lastIndex(of: ".")!]), expected: .malformed),
            Attack(name: "four segments", token: es + "." + esSignature, expected: .malformed),
            Attack(name: "five segments (a JWE)", token: es + ".AAAA.BBBB", expected: .malformed),
            Attack(
                name: "detached (empty) payload",
                token: es.replacingOccurrences(of: ".\(Forge.b64(Forge.claims())).", with: ".."), expected: .malformed),
            Attack(
                name: "padding in the header", token: "eyJhbGciOiJIUzI1NiJ9=" + es[es.firstIndex(of: ".")!...],
                expected: .badEncoding(.header)),
            Attack(name: "padding in the signature", token: es + "==", expected: .badEncoding(.signature)),
            Attack(
                name: "+ and / in the signature",
                token: replacingSignature(
                    of: es,
                    with: esSignature.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                        + "+/"),
                expected: .badEncoding(.signature)),
            Attack(
                name: "non-zero unused bits in the signature's last character",
                token: flippingUnusedBit(es), expected: .badEncoding(.signature)),
            Attack(
                name: "oversized token",
                token: Forge.valid(
                    "hs", payload: Forge.claims(extra: #""pad":"\#(String(repeating: "x", count: 9000))""#)),
                expected: .tooLarge),
            Attack(
                name: "oversized header",
                token: Forge.token(
                    header: #"{"alg":"HS256","kid":"hs","pad":"\#(String(repeating: "x", count: 2000))"}"#,
                    signer: .hs256(Forge.hmacSecret)),
                expected: .tooLarge),
            Attack(
                name: "duplicate alg in the header",
                token: Forge.token(
                    header: #"{"alg":"none","alg":"HS256","kid":"hs"}"#, signer: .hs256(Forge.hmacSecret)),
                expected: .malformedHeader),
            Attack(
                name: "duplicate kid in the header",
                token: Forge.token(header: #"{"alg":"HS256","kid":"hs","kid":"rs"}"#, signer: .hs256(Forge.hmacSecret)),
                expected: .malformedHeader),
            Attack(
                name: "header is an array", token: Forge.token(header: #"["HS256"]"#, signer: .hs256(Forge.hmacSecret)),
                expected: .malformedHeader),
            Attack(
                name: "header is not JSON",
                token: Forge.token(header: #"{alg:HS256}"#, signer: .hs256(Forge.hmacSecret)),
                expected: .malformedHeader),
            Attack(
                name: "payload is an array", token: Forge.valid("hs", payload: #"[{"sub":"alice"}]"#),
                expected: .malformedPayload),
            Attack(
                name: "payload is a string", token: Forge.valid("hs", payload: #""alice""#), expected: .malformedPayload
            ),
            Attack(
                name: "duplicate sub in the payload",
                token: Forge.valid("hs", payload: #"{"sub":"bob","sub":"alice","exp":\#(now + 60)}"#),
                expected: .malformedPayload),
            Attack(
                name: "exp not a number", token: Forge.valid("hs", payload: #"{"sub":"alice","exp":"\#(now + 60)"}"#),
                expected: .invalidClaim("exp")),
            Attack(
                name: "ECDSA signature in DER instead of R‖S",
                token: replacingSignature(of: es, with: Base64URL.encode(der)), expected: .badSignature),
            Attack(
                name: "ES256 with r = s = 0 (CVE-2022-21449)",
                token: Forge.token(
                    header: #"{"alg":"ES256","kid":"es"}"#, signer: .raw([UInt8](repeating: 0, count: 64))),
                expected: .badSignature),
            Attack(
                name: "ES256 with r = 0",
                token: Forge.token(
                    header: #"{"alg":"ES256","kid":"es"}"#,
                    signer: .raw(
                        [UInt8](repeating: 0, count: 32) + Base64URL.decode(Array(esSignature.utf8))!.suffix(32))),
                expected: .badSignature),
            Attack(
                name: "ES256 with r = s = n (the group order)",
                token: Forge.token(header: #"{"alg":"ES256","kid":"es"}"#, signer: .raw(n256 + n256)),
                expected: .badSignature),
            Attack(
                name: "payload changed after signing",
                token: Forge.token(
                    header: #"{"alg":"ES256","kid":"es"}"#, payload: Forge.claims(extra: #""role":"admin""#),
                    signer: .raw(Base64URL.decode(Array(esSignature.utf8))!)),
                expected: .badSignature),
            Attack(
                name: "empty signature with HS256", token: replacingSignature(of: Forge.valid("hs"), with: ""),
                expected: .badSignature),
            Attack(
                name: "signature of the wrong length",
                token: replacingSignature(
                    of: es, with: Base64URL.encode(Base64URL.decode(Array(esSignature.utf8))!.dropLast())),
                expected: .badSignature),
        ]
        return attacks
    }

    static func chain(for setup: Attack.Setup, log: OutcomeLog) throws -> Middlewares {
        let keys: [JWT.Key]
        var options = JWT.Options(algorithms: Forge.allAlgorithms, cachedTokens: 0, observe: log.record)
        switch setup {
        case .all, .issuerAndAudience:
            keys = try Forge.keys()
            if case .issuerAndAudience = setup {
                options.issuers = ["https://issuer.example"]
                options.audiences = ["api"]
            }
        case .rsaOnly:
            keys = [try .rsa(pem: Forge.rsa.publicKey.pemRepresentation, algorithm: .rs256)]
            options.algorithms = [.rs256]
        case .rsaWithHMACAccepted:
            keys = [try .rsa(pem: Forge.rsa.publicKey.pemRepresentation, algorithm: .rs256)]
            options.algorithms = [.hs256, .rs256]
        case .twoP256:
            keys = [
                try .ecdsa(pem: Forge.p256.publicKey.pemRepresentation, kid: "a"),
                try .ecdsa(pem: Forge.otherP256.publicKey.pemRepresentation, kid: "b"),
            ]
        }
        let chain = Middlewares()
        chain.use(JWT(keys: .fixed(keys), options: options))
        chain.use(echoSubject)
        return chain
    }
}

@Suite("JWT attack table")
struct AttackTableTests {
    @Test("the table holds at least 40 hostile tokens, each named once")
    func size() {
        let attacks = AttackTable.attacks
        #expect(attacks.count >= 40)
        #expect(Set(attacks.map(\.name)).count == attacks.count)
    }

    @Test("each hostile token is refused with 401 for its own reason", arguments: AttackTable.attacks)
    func refused(_ attack: Attack) async throws {
        let log = OutcomeLog()
        let chain = try AttackTable.chain(for: attack.setup, log: log)
        try await chain.test { client in
            let response = try await client.execute(.get, "/", headers: bearer(attack.token))
            #expect(response.status == .unauthorized)
        }
        #expect(log.all == [.rejected(attack.expected)], "\(attack.name) (made by \(attack.producer))")
    }

    @Test("the same setups accept an honest token, so each refusal is the attack's doing")
    func honestTokensPass() async throws {
        let now = Forge.now
        let honest: [(Attack.Setup, String)] = [
            (.all, Forge.valid("es")),
            (.rsaOnly, Forge.token(header: #"{"alg":"RS256"}"#, signer: .rs256)),
            (.rsaWithHMACAccepted, Forge.token(header: #"{"alg":"RS256"}"#, signer: .rs256)),
            (.twoP256, Forge.token(header: #"{"alg":"ES256","kid":"b"}"#, signer: .es256(Forge.otherP256))),
            (
                .issuerAndAudience,
                Forge.valid("ed", payload: #"{"iss":"https://issuer.example","aud":["a","api"],"exp":\#(now + 60)}"#)
            ),
        ]
        for (setup, token) in honest {
            let log = OutcomeLog()
            try await AttackTable.chain(for: setup, log: log).test { client in
                let response = try await client.execute(.get, "/", headers: bearer(token))
                #expect(response.status == .ok, "\(setup)")
            }
        }
    }
}
