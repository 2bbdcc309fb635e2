import ParapetCore

/// The registered-claim checks (RFC 7519 §4.1) a ``JWT`` authenticator applies to a verified token, on
/// the injected wall clock.
struct ClaimRules: Sendable {
    var issuers: [String]
    var audiences: [String]
    var leeway: Duration
    var requiresExpiration: Bool

    /// Checks `claims` at `now`; returns when the token expires, if it does.
    func check(_ claims: JWT.Claims, at now: WallInstant) throws(JWT.Rejection) -> WallInstant? {
        let expiry = try date("exp", in: claims)
        if let expiry, now >= expiry.advanced(by: leeway) { throw .expired }
        if expiry == nil, requiresExpiration { throw .missingClaim("exp") }
        if let notBefore = try date("nbf", in: claims), now.advanced(by: leeway) < notBefore { throw .notYetValid }
        if let issuedAt = try date("iat", in: claims), now.advanced(by: leeway) < issuedAt { throw .issuedInFuture }
        if !issuers.isEmpty {
            guard let issuer = claims["iss"] else { throw .missingClaim("iss") }
            guard let name = issuer.stringValue else { throw .invalidClaim("iss") }
            guard issuers.contains(name) else { throw .wrongIssuer }
        }
        if !audiences.isEmpty {
            guard let audience = claims["aud"] else { throw .missingClaim("aud") }
            let names: [String]
            switch audience {
            case .string(let name): names = [name]
            case .array(let values):
                names = try values.map { value throws(JWT.Rejection) in
                    guard let name = value.stringValue else { throw .invalidClaim("aud") }
                    return name
                }
            default: throw .invalidClaim("aud")
            }
            guard names.contains(where: audiences.contains) else { throw .wrongAudience }
        }
        return expiry
    }

    /// A NumericDate claim: seconds since the epoch, possibly fractional.
    private func date(_ name: String, in claims: JWT.Claims) throws(JWT.Rejection) -> WallInstant? {
        guard let value = claims[name] else { return nil }
        guard let seconds = value.numberValue, abs(seconds) < 1e15 else { throw .invalidClaim(name) }
        return WallInstant(sinceEpoch: .milliseconds(Int64((seconds * 1000).rounded(.down))))
    }
}
