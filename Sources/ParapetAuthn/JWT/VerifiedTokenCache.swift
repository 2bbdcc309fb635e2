import Crypto
import ParapetCore

/// Tokens already verified, so a client sending the same token on every request pays the signature
/// check once (Envoy's `jwt_cache_config`).
///
/// Entries are keyed by the token's SHA-256 (the cache holds no token), bounded in number (the oldest
/// entry goes first), and never outlive the token's `exp` nor the key set they were verified with.
struct VerifiedTokenCache: Sendable {
    struct Entry: Sendable {
        let claims: JWT.Claims
        let expiry: WallInstant?
        let generation: UInt64
    }

    private let entries: BoundedCache<SHA256Digest, Entry>

    init(capacity: Int) {
        entries = BoundedCache(capacity: capacity)
    }

    /// The key a token is cached under.
    static func key(for token: [UInt8]) -> SHA256Digest {
        SHA256.hash(data: token)
    }

    /// The claims verified for `key` with key-set `generation`, still valid at `now`: an entry past its
    /// expiry plus `leeway`, or from another key set, is dropped.
    func claims(for key: SHA256Digest, generation: UInt64, at now: WallInstant, leeway: Duration) -> JWT.Claims? {
        entries.value(for: key) { entry in
            entry.generation == generation && entry.expiry.map { now < $0.advanced(by: leeway) } != false
        }?.claims
    }

    /// Remembers that `key` verified to `entry`.
    func insert(_ entry: Entry, for key: SHA256Digest) {
        entries.insert(entry, for: key)
    }
}
