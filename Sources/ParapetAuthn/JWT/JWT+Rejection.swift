extension JWT {
    /// Why a request's token was not accepted: what ``Options/observe`` hears, what the `401`'s
    /// `error_description` says, and what tests assert on.
    ///
    /// Each check fails with its own reason, so a metric can tell an attack (``algorithmMismatch``,
    /// ``unsignedToken``) from clock skew (``notYetValid``) or a client bug (``malformed``).
    public enum Rejection: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
        /// No token where the options look for one.
        case missingToken
        /// The token (or one of its segments) is longer than ``Options/maxTokenBytes`` allows.
        case tooLarge
        /// Not three dot-separated segments (a JWE has five, a detached JWS has an empty payload).
        case malformed
        /// A segment is not canonical unpadded base64url.
        case badEncoding(Segment)
        /// The header is not a JSON object with unique member names.
        case malformedHeader
        /// The header has no `alg`.
        case missingAlgorithm
        /// The header's `alg` is `none` in any casing.
        case unsignedToken
        /// The header's `alg` is not one of ``Options/algorithms``.
        case algorithmNotAllowed(String)
        /// The header lists `crit` extensions; Parapet understands none, so RFC 7515 §4.1.11 says reject.
        case unsupportedCritical
        /// Several keys could verify the token and its header names none with `kid`.
        case missingKeyID
        /// The header's `kid` names no key (after at most one refresh of a key set that can refresh).
        case unknownKeyID
        /// The key the token selects is pinned to another algorithm than the header's `alg`.
        case algorithmMismatch
        /// The signature does not verify with the selected key.
        case badSignature
        /// The payload is not a JSON object with unique member names.
        case malformedPayload
        /// A registered claim has the wrong type (an `exp` that is not a number, an `aud` that is not a
        /// string or an array of strings).
        case invalidClaim(String)
        /// A claim the options require is absent.
        case missingClaim(String)
        /// `exp` is in the past (beyond the leeway).
        case expired
        /// `nbf` is in the future (beyond the leeway).
        case notYetValid
        /// `iat` is in the future (beyond the leeway).
        case issuedInFuture
        /// `iss` is not one of ``Options/issuers``.
        case wrongIssuer
        /// `aud` names none of ``Options/audiences``.
        case wrongAudience
        /// No key set could be loaded (a JWKS endpoint that never answered since start).
        case keysUnavailable

        /// A part of a compact token.
        public enum Segment: String, Sendable {
            case header, payload, signature
        }

        public var description: String {
            switch self {
            case .missingToken: return "no token"
            case .tooLarge: return "token too large"
            case .malformed: return "token is not three base64url segments"
            case .badEncoding(let segment): return "\(segment.rawValue) is not canonical base64url"
            case .malformedHeader: return "header is not a JSON object with unique names"
            case .missingAlgorithm: return "header has no alg"
            case .unsignedToken: return "unsigned token (alg none)"
            case .algorithmNotAllowed: return "algorithm not allowed"
            case .unsupportedCritical: return "unsupported critical header extension"
            case .missingKeyID: return "header has no kid"
            case .unknownKeyID: return "unknown kid"
            case .algorithmMismatch: return "algorithm does not match the key"
            case .badSignature: return "signature does not verify"
            case .malformedPayload: return "payload is not a JSON object with unique names"
            case .invalidClaim(let name): return "claim \(name) has the wrong type"
            case .missingClaim(let name): return "claim \(name) is required"
            case .expired: return "token expired"
            case .notYetValid: return "token not yet valid"
            case .issuedInFuture: return "token issued in the future"
            case .wrongIssuer: return "issuer not accepted"
            case .wrongAudience: return "audience not accepted"
            case .keysUnavailable: return "verification keys unavailable"
            }
        }
    }
}
