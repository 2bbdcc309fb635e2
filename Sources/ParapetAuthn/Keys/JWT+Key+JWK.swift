import JWTKit

extension JWT.Key {
    /// The public key of a JSON Web Key (RFC 7517): `RSA`, `EC` (P-256, P-384, P-521) or `OKP` (Ed25519);
    /// `oct` (an HMAC secret) only when `allowsSecret` says so. Private members are ignored.
    ///
    /// The key is pinned to its `alg` member, which must belong to its type (and for `EC`, its curve);
    /// without one, to `algorithm` — which an `oct` key needs, and an `RSA` key takes as RS256 when
    /// `nil` — or to the curve's own.
    ///
    /// ```swift
    /// let key = try JWT.Key.jwk(JSONValue.parse(Array(jwkText.utf8)))
    /// ```
    public static func jwk(_ jwk: JSONValue, algorithm: JWT.Algorithm? = nil, allowsSecret: Bool = false)
        throws(JWT.KeyError) -> JWT.Key
    {
        guard case .object = jwk else { throw .unusable("a JWK must be a JSON object") }
        let kid = try optionalString("kid", in: jwk)
        let alg = try optionalString("alg", in: jwk)
        let named: JWT.Algorithm?
        if let alg {
            guard let pinned = JWT.Algorithm(rawValue: alg) else { throw .unusable("unsupported alg \"\(alg)\"") }
            named = pinned
        } else {
            named = algorithm
        }
        switch try string("kty", in: jwk) {
        case "RSA":
            let algorithm = named ?? .rs256
            guard algorithm.family == .rsa else { throw .unusable("an RSA key cannot verify \(algorithm)") }
            let n = try string("n", in: jwk)
            let e = try string("e", in: jwk)
            return JWT.Key(
                kid: kid, algorithm: algorithm,
                material: .rsa(try parse { try Insecure.RSA.PublicKey(modulus: n, exponent: e) }))
        case "EC":
            let x = try string("x", in: jwk)
            let y = try string("y", in: jwk)
            let material: Material
            let algorithm: JWT.Algorithm
            switch try string("crv", in: jwk) {
            case "P-256": (algorithm, material) = (.es256, .p256(try parse { try ES256PublicKey(parameters: (x, y)) }))
            case "P-384": (algorithm, material) = (.es384, .p384(try parse { try ES384PublicKey(parameters: (x, y)) }))
            case "P-521": (algorithm, material) = (.es512, .p521(try parse { try ES512PublicKey(parameters: (x, y)) }))
            case let curve: throw .unusable("unsupported EC curve \"\(curve)\"")
            }
            guard named == nil || named == algorithm else {
                throw .unusable("an EC key on its curve cannot verify \(named!)")
            }
            return JWT.Key(kid: kid, algorithm: algorithm, material: material)
        case "OKP":
            let curve = try string("crv", in: jwk)
            guard curve == "Ed25519" else { throw .unusable("unsupported OKP curve \"\(curve)\"") }
            guard named == nil || named == .edDSA else { throw .unusable("an Ed25519 key cannot verify \(named!)") }
            let x = try string("x", in: jwk)
            return JWT.Key(
                kid: kid, algorithm: .edDSA, material: .edDSA(try parse { try EdDSA.PublicKey(x: x, curve: .ed25519) }))
        case "oct":
            guard allowsSecret else { throw .unusable("a symmetric (oct) key is not accepted here") }
            guard let algorithm = named else { throw .unusable("an oct key needs an alg") }
            guard let secret = Base64URL.decode(Array(try string("k", in: jwk).utf8)) else {
                throw .unusable("k is not base64url")
            }
            return try hmac(secret: secret, algorithm: algorithm, kid: kid)
        case let type:
            throw .unusable("unsupported kty \"\(type)\"")
        }
    }

    private static func string(_ name: String, in jwk: JSONValue) throws(JWT.KeyError) -> String {
        guard let value = try optionalString(name, in: jwk) else { throw .unusable("the JWK has no \(name)") }
        return value
    }

    private static func optionalString(_ name: String, in jwk: JSONValue) throws(JWT.KeyError) -> String? {
        guard let value = jwk[name] else { return nil }
        guard let text = value.stringValue else { throw .unusable("\(name) must be a string") }
        return text
    }
}

extension JWT {
    /// The signature keys of a JWK Set (RFC 7517 §5) document, and why each other key was left out.
    ///
    /// Keys for encryption (`use` other than `sig`), of unsupported types or curves, symmetric keys, and
    /// keys that fail to parse are skipped, not fatal: one odd key must not take a whole issuer's set down.
    public struct KeySetDocument: Sendable {
        /// The usable keys, in document order.
        public let keys: [Key]
        /// One line for each key left out.
        public let skipped: [String]

        /// Parses `bytes`, a JSON object with a `keys` array.
        ///
        /// - Throws: ``KeyError`` when the document is not such an object.
        /// `algorithm` pins keys that name no `alg` of their own, as in ``Key/jwk(_:algorithm:allowsSecret:)``.
        public init(parsing bytes: some Collection<UInt8>, algorithm: Algorithm? = nil) throws(KeyError) {
            let document: JSONValue
            do {
                document = try JSONValue.parse(bytes)
            } catch {
                throw .unusable("the JWKS is not JSON with unique names: \(error)")
            }
            guard case .array(let entries)? = document["keys"] else { throw .unusable("the JWKS has no keys array") }
            var keys: [Key] = []
            var skipped: [String] = []
            for (index, entry) in entries.enumerated() {
                if let use = entry["use"], use != .string("sig") {
                    skipped.append("key \(index): not a signature key")
                    continue
                }
                do {
                    keys.append(try Key.jwk(entry, algorithm: algorithm))
                } catch {
                    skipped.append("key \(index): \(error)")
                }
            }
            self.keys = keys
            self.skipped = skipped
        }
    }
}
