import Crypto
import ParapetCore
import Synchronization

/// Tokens already verified, so a client sending the same token on every request pays the signature
/// check once (Envoy's `jwt_cache_config`).
///
/// Entries are keyed by the token's SHA-256 (the cache holds no token), bounded in number (the oldest
/// entry goes first), and never outlive the token's `exp` nor the key set they were verified with.
final class VerifiedTokenCache: Sendable {
    struct Entry: Sendable {
        let claims: JWT.Claims
        let expiry: WallInstant?
        let generation: UInt64
    }

    private struct State {
        var entries: [SHA256Digest: Entry] = [:]
        var order: [SHA256Digest] = []
        var oldest = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The key a token is cached under.
    static func key(for token: [UInt8]) -> SHA256Digest {
        SHA256.hash(data: token)
    }

    /// The claims verified for `key` with key-set `generation`, still valid at `now` (an entry past its
    /// expiry plus `leeway`, or from another key set, is dropped).
    func claims(for key: SHA256Digest, generation: UInt64, at now: WallInstant, leeway: Duration) -> JWT.Claims? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            if entry.generation != generation || entry.expiry.map({ now >= $0.advanced(by: leeway) }) == true {
                state.entries[key] = nil
                return nil
            }
            return entry.claims
        }
    }

    /// Remembers that `key` verified to `entry`, forgetting the oldest entry when full.
    func insert(_ entry: Entry, for key: SHA256Digest) {
        state.withLock { state in
            guard state.entries.updateValue(entry, forKey: key) == nil else { return }
            if state.order.count < capacity {
                state.order.append(key)
            } else {
                state.entries[state.order[state.oldest]] = nil
                state.order[state.oldest] = key
                state.oldest = (state.oldest + 1) % capacity
            }
        }
    }

    /// How many tokens are remembered.
    var count: Int { state.withLock { $0.entries.count } }
}
