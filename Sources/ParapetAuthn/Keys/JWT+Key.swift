import JWTKit

extension JWT {
    /// A verification key pinned to one algorithm, optionally named by a key id (`kid`).
    ///
    /// A key serves only the algorithm it was made for: an RSA public key can never be used as an HMAC
    /// secret, an Ed25519 key never as a P-256 key, whatever a token's header says. The factories parse
    /// and check the key material at once, so a bad key fails when the configuration is written.
    ///
    /// ```swift
    /// let keys = [
    ///     try JWT.Key.hmac(secret: Array(secret.utf8), algorithm: .hs256, kid: "internal"),
    ///     try JWT.Key.rsa(pem: rsaPublicKeyPEM, algorithm: .rs256, kid: "2026-12"),
    /// ]
    /// server.use(JWT(keys: .fixed(keys), options: .init(algorithms: [.hs256, .rs256])))
    /// ```
    public struct Key: Sendable {
        /// The key id a token names in its header's `kid`; `nil` for a key that is selected only when it
        /// is the one key able to verify the token.
        public let kid: String?
        /// The one algorithm this key verifies.
        public let algorithm: Algorithm
        let material: Material

        /// Parsed key material, held in the crypto library's own types.
        enum Material: Sendable {
            case hmac(HMACKey)
            case rsa(Insecure.RSA.PublicKey)
            case p256(ES256PublicKey)
            case p384(ES384PublicKey)
            case p521(ES512PublicKey)
            case edDSA(EdDSA.PublicKey)
        }

        init(kid: String?, algorithm: Algorithm, material: Material) {
            self.kid = kid
            self.algorithm = algorithm
            self.material = material
        }

        /// An HMAC secret for `algorithm` (HS256, HS384 or HS512), at least as long as the digest
        /// (RFC 7518 §3.2).
        public static func hmac(secret: some Collection<UInt8>, algorithm: Algorithm = .hs256, kid: String? = nil)
            throws(KeyError) -> Key
        {
            try require(algorithm, in: .hmac)
            guard secret.count >= algorithm.digestBytes else {
                throw .unusable(
                    "an \(algorithm) secret needs at least \(algorithm.digestBytes) bytes, got \(secret.count)")
            }
            return Key(kid: kid, algorithm: algorithm, material: .hmac(HMACKey(from: Array(secret))))
        }

        /// An RSA public key (PEM, `BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`) for RS256–512 or
        /// PS256–512.
        public static func rsa(pem: String, algorithm: Algorithm = .rs256, kid: String? = nil) throws(KeyError) -> Key {
            try require(algorithm, in: .rsa)
            return Key(
                kid: kid, algorithm: algorithm, material: .rsa(try parse { try Insecure.RSA.PublicKey(pem: pem) }))
        }

        /// An ECDSA public key (PEM) whose curve matches `algorithm`: P-256 for ES256, P-384 for ES384,
        /// P-521 for ES512.
        public static func ecdsa(pem: String, algorithm: Algorithm = .es256, kid: String? = nil) throws(KeyError) -> Key
        {
            try require(algorithm, in: .ecdsa)
            let material: Material
            switch algorithm {
            case .es256: material = .p256(try parse { try ES256PublicKey(pem: pem) })
            case .es384: material = .p384(try parse { try ES384PublicKey(pem: pem) })
            default: material = .p521(try parse { try ES512PublicKey(pem: pem) })
            }
            return Key(kid: kid, algorithm: algorithm, material: material)
        }

        /// An Ed25519 public key (PEM) for EdDSA.
        public static func edDSA(pem: String, kid: String? = nil) throws(KeyError) -> Key {
            Key(kid: kid, algorithm: .edDSA, material: .edDSA(try parse { try EdDSA.PublicKey(pem: pem) }))
        }

        private static func require(_ algorithm: Algorithm, in family: Algorithm.Family) throws(KeyError) {
            guard algorithm.family == family else {
                throw .unusable("a \(family.rawValue) key cannot verify \(algorithm)")
            }
        }

        static func parse<T>(_ make: () throws -> T) throws(KeyError) -> T {
            do {
                return try make()
            } catch {
                throw .unusable("the key material does not parse: \(error)")
            }
        }
    }

    /// A key that cannot be used: wrong family for its algorithm, too short, or unparsable.
    public enum KeyError: Error, Equatable, Sendable, CustomStringConvertible {
        case unusable(String)

        public var description: String {
            switch self {
            case .unusable(let reason): return "unusable JWT key: \(reason)"
            }
        }
    }
}
