import Foundation
import ParapetCore
import ParapetTestSupport
import Testing

@testable import ParapetAuthn

/// Runs `/usr/bin/python3` with `script` to its end and returns its output. Debian's Python carries the
/// `cryptography`, `jwt` and `crypt` modules `scripts/test.sh` installs; a missing one fails the test.
func runPython(_ script: String, arguments: [String] = []) async throws -> String {
    try await runTool("/usr/bin/python3", ["-c", script] + arguments)
}

/// Runs `executable` with `arguments` to its end, off the cooperative pool, and returns its output; a
/// non-zero exit fails the test.
func runTool(_ executable: String, _ arguments: [String]) async throws -> String {
    let (status, output) = try await runProcess(executable, arguments)
    #expect(status == 0, "\(executable) exited with \(status)")
    return output
}

/// Tokens made independently of Swift, by Debian's python3-jwt (PyJWT) and python3-cryptography: the
/// honest ones verify, the hostile ones are refused for the right reason.
@Suite("Tokens made by Python")
struct PythonTokenTests {
    static let script = #"""
        import json, sys, time, hmac, hashlib, base64
        import jwt
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa, ec, ed25519
        now = int(sys.argv[1])
        secret = b"python-made-secret-of-32-bytes!!"
        rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ec_key = ec.generate_private_key(ec.SECP256R1())
        ed_key = ed25519.Ed25519PrivateKey.generate()
        def pem(key):
            return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        def b64(data):
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
        claims = {"sub": "py", "exp": now + 600}
        tokens = []
        def add(name, token, expect):
            tokens.append({"name": name, "token": token, "expect": expect, "producer": "python3-jwt " + jwt.__version__})
        add("RS256", jwt.encode(claims, rsa_key, algorithm="RS256", headers={"kid": "rs"}), None)
        add("PS256", jwt.encode(claims, rsa_key, algorithm="PS256", headers={"kid": "ps"}), None)
        add("ES256", jwt.encode(claims, ec_key, algorithm="ES256", headers={"kid": "es"}), None)
        add("EdDSA", jwt.encode(claims, ed_key, algorithm="EdDSA", headers={"kid": "ed"}), None)
        add("HS256", jwt.encode(claims, secret, algorithm="HS256", headers={"kid": "hs"}), None)
        add("alg none", jwt.encode(claims, None, algorithm="none", headers={"kid": "hs"}), "unsignedToken")
        add("expired", jwt.encode({"sub": "py", "exp": now - 3600}, secret, algorithm="HS256", headers={"kid": "hs"}), "expired")
        add("wrong secret", jwt.encode(claims, b"another-secret-of-32-bytes-long!", algorithm="HS256", headers={"kid": "hs"}), "badSignature")
        header = b64(json.dumps({"alg": "HS256", "kid": "rs"}).encode())
        body = b64(json.dumps(claims).encode())
        forged = hmac.new(pem(rsa_key).encode(), (header + "." + body).encode(), hashlib.sha256).digest()
        tokens.append({"name": "HS256 keyed with the RSA public PEM", "token": header + "." + body + "." + b64(forged),
                       "expect": "algorithmMismatch", "producer": "python3 hmac"})
        header = b64(json.dumps({"alg": "ES256", "kid": "es"}).encode())
        der = ec_key.sign((header + "." + body).encode(), ec.ECDSA(hashes.SHA256()))
        tokens.append({"name": "ES256 signature in DER", "token": header + "." + body + "." + b64(der),
                       "expect": "badSignature", "producer": "python3-cryptography"})
        print(json.dumps({"rsa": pem(rsa_key), "ec": pem(ec_key), "ed": pem(ed_key), "secret": secret.decode(), "tokens": tokens}))
        """#

    static let expected: [String: JWT.Rejection] = [
        "unsignedToken": .unsignedToken, "expired": .expired, "badSignature": .badSignature,
        "algorithmMismatch": .algorithmMismatch,
    ]

    @Test("Python's honest tokens verify and its hostile ones are refused for their reason", .timeLimit(.minutes(1)))
    func pythonTokens() async throws {
        let output = try await runPython(Self.script, arguments: ["\(Forge.now)"])
        let made = try JSONValue.parse(Array(output.utf8))
        let rsa = try #require(made["rsa"]?.stringValue)
        let keys = [
            try JWT.Key.rsa(pem: rsa, algorithm: .rs256, kid: "rs"),
            try JWT.Key.rsa(pem: rsa, algorithm: .ps256, kid: "ps"),
            try JWT.Key.ecdsa(pem: try #require(made["ec"]?.stringValue), kid: "es"),
            try JWT.Key.edDSA(pem: try #require(made["ed"]?.stringValue), kid: "ed"),
            try JWT.Key.hmac(secret: Array(try #require(made["secret"]?.stringValue).utf8), kid: "hs"),
        ]
        let tokens = try #require(made["tokens"]?.arrayValue)
        #expect(tokens.count == 10)
        for entry in tokens {
            let name = entry["name"]?.stringValue ?? "?"
            let token = try #require(entry["token"]?.stringValue)
            let expected = entry["expect"]?.stringValue.flatMap { Self.expected[$0] }
            let rejection = await Forge.rejection(
                of: token, keys: keys, algorithms: [.rs256, .ps256, .es256, .edDSA, .hs256])
            #expect(rejection == expected, "\(name), made by \(entry["producer"]?.stringValue ?? "?")")
        }
    }
}
