import JWTKit

/// A loaded key set: each key with the crypto library's verifier for its pinned algorithm, and the rule
/// that picks a key for a token.
///
/// The verifiers come out of a `JWTKeyCollection` that lives only while the ring is made; tokens are never
/// verified through the collection, whose own selection accepts any header `alg`, falls back to a default
/// key for an unknown `kid` and ignores `crit`.
struct KeyRing: Sendable {
    struct Entry: Sendable {
        let kid: String?
        let algorithm: JWT.Algorithm
        let verifier: any JWTKit.JWTAlgorithm
    }

    let entries: [Entry]
    /// Changes whenever the key set does: verified-token cache entries from another generation are void.
    let generation: UInt64

    /// How a token's header selects a key.
    enum Selection {
        case key(Entry)
        case missingKeyID
        case unknownKeyID
    }

    /// The key `kid` names (the one pinned to `algorithm` if several share the id); without a `kid`, the only key that could verify `algorithm`. A `kid` that names
    /// nothing selects the one key of a set whose single key has no id (a configured secret), and nothing
    /// otherwise.
    func select(kid: String?, algorithm: JWT.Algorithm) -> Selection {
        if let kid {
            let named = entries.filter { $0.kid == kid }
            if let entry = named.first(where: { $0.algorithm == algorithm }) ?? named.first { return .key(entry) }
            if entries.count == 1, entries[0].kid == nil { return .key(entries[0]) }
            return .unknownKeyID
        }
        if entries.count == 1 { return .key(entries[0]) }
        let candidates = entries.filter { $0.algorithm == algorithm }
        return candidates.count == 1 ? .key(candidates[0]) : .missingKeyID
    }

    /// Makes the verifiers for `keys`.
    static func make(_ keys: [JWT.Key], generation: UInt64) async throws -> KeyRing {
        let collection = JWTKeyCollection()
        var entries: [Entry] = []
        for (index, key) in keys.enumerated() {
            let id = JWKIdentifier(string: "parapet-\(index)")
            switch key.material {
            case .hmac(let secret):
                await collection.add(hmac: secret, digestAlgorithm: key.algorithm.digest, kid: id)
            case .rsa(let rsa):
                switch key.algorithm {
                case .ps256, .ps384, .ps512:
                    await collection.add(pss: rsa, digestAlgorithm: key.algorithm.digest, kid: id)
                default:
                    await collection.add(rsa: rsa, digestAlgorithm: key.algorithm.digest, kid: id)
                }
            case .p256(let ecdsa): await collection.add(ecdsa: ecdsa, kid: id)
            case .p384(let ecdsa): await collection.add(ecdsa: ecdsa, kid: id)
            case .p521(let ecdsa): await collection.add(ecdsa: ecdsa, kid: id)
            case .edDSA(let edDSA): await collection.add(eddsa: edDSA, kid: id)
            }
            let verifier = try await collection.getKey(for: id, alg: key.algorithm.rawValue)
            entries.append(Entry(kid: key.kid, algorithm: key.algorithm, verifier: verifier))
        }
        await collection.removeAll(clearingDefault: true)
        return KeyRing(entries: entries, generation: generation)
    }
}

extension JWT.Algorithm {
    fileprivate var digest: DigestAlgorithm {
        switch digestBytes {
        case 32: return .sha256
        case 48: return .sha384
        default: return .sha512
        }
    }
}
