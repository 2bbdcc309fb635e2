extension JWT {
    /// A JWS signature algorithm (RFC 7518 §3, RFC 8037) that a ``JWT`` authenticator may be configured to
    /// accept.
    ///
    /// Configuration pins the accepted algorithms and every key its own one: the `alg` a token names
    /// only has to agree with them, it never chooses how the signature is checked. `none` has no case,
    /// so an unsigned token can never be accepted.
    ///
    /// ```swift
    /// JWT.Options(algorithms: [.rs256, .es256])
    /// ```
    public enum Algorithm: String, CaseIterable, Sendable, CustomStringConvertible {
        case hs256 = "HS256", hs384 = "HS384", hs512 = "HS512"
        case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
        case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"
        case es256 = "ES256", es384 = "ES384", es512 = "ES512"
        case edDSA = "EdDSA"

        /// The kind of key an algorithm verifies with; a key serves only algorithms of its own family.
        public enum Family: String, Sendable {
            case hmac, rsa, ecdsa, edDSA
        }

        /// The family of keys this algorithm uses.
        public var family: Family {
            switch self {
            case .hs256, .hs384, .hs512: return .hmac
            case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: return .rsa
            case .es256, .es384, .es512: return .ecdsa
            case .edDSA: return .edDSA
            }
        }

        /// The digest size in bytes (for HMAC, the shortest secret RFC 7518 §3.2 allows).
        var digestBytes: Int {
            switch self {
            case .hs256, .rs256, .ps256, .es256: return 32
            case .hs384, .rs384, .ps384, .es384: return 48
            case .hs512, .rs512, .ps512, .es512, .edDSA: return 64
            }
        }

        public var description: String { rawValue }
    }
}
