import ParapetCore

/// Verifies one token end to end: cache, parse, key selection (with a refresh for an unknown `kid`),
/// signature, claims. The part of a ``JWT`` authenticator that knows nothing of HTTP.
struct TokenVerifier: Sendable {
    let provider: any KeyProvider
    let rules: CompactToken.Rules
    let claimRules: ClaimRules
    let cache: VerifiedTokenCache?

    /// The verified claims of `token` at `now`, and whether the cache answered.
    func verify(_ token: [UInt8], at now: WallInstant) async throws(JWT.Rejection) -> (JWT.Claims, cached: Bool) {
        guard token.count <= rules.maxTokenBytes else { throw .tooLarge }
        guard var ring = await provider.currentRing() else { throw .keysUnavailable }
        let cacheKey = cache.map { _ in VerifiedTokenCache.key(for: token) }
        if let cache, let cacheKey,
            let claims = cache.claims(for: cacheKey, generation: ring.generation, at: now, leeway: claimRules.leeway)
        {
            return (claims, true)
        }
        let parsed = try CompactToken(token, rules: rules)
        var selection = ring.select(kid: parsed.kid, algorithm: parsed.algorithm)
        if case .unknownKeyID = selection, let kid = parsed.kid,
            let refreshed = await provider.ring(afterUnknownKeyID: kid, seen: ring)
        {
            ring = refreshed
            selection = ring.select(kid: kid, algorithm: parsed.algorithm)
        }
        let key: KeyRing.Entry
        switch selection {
        case .key(let entry): key = entry
        case .missingKeyID: throw .missingKeyID
        case .unknownKeyID: throw .unknownKeyID
        }
        let claims = try parsed.claims(verifiedWith: key)
        let expiry = try claimRules.check(claims, at: now)
        if let cache, let cacheKey {
            cache.insert(
                VerifiedTokenCache.Entry(claims: claims, expiry: expiry, generation: ring.generation), for: cacheKey)
        }
        return (claims, false)
    }
}
