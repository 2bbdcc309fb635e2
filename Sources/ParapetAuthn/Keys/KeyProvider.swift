import ParapetCore

/// Where a ``JWT`` authenticator's keys come from: a fixed list, or a JWKS endpoint kept fresh in the
/// background.
protocol KeyProvider: Sendable {
    /// Problems with the provider's configuration, checked once when the chain is built, given the
    /// algorithms the authenticator accepts.
    func configurationProblems(accepting algorithms: [JWT.Algorithm]) -> [ConfigurationError]
    /// Starts background work, if any; called once when the chain is built.
    func start(in environment: ChainEnvironment)
    /// The current key set; `nil` when none could be loaded yet.
    func currentRing() async -> KeyRing?
    /// A key set that may know `kid`, missing from `seen`: a newer set if one was loaded meanwhile, else
    /// the set after at most one shared, rate-limited refresh; `nil` for a fixed list.
    func ring(afterUnknownKeyID kid: String, seen: KeyRing) async -> KeyRing?
}

extension JWT {
    /// The keys a ``JWT`` authenticator verifies with.
    ///
    /// ```swift
    /// JWT(keys: .fixed([try .hmac(secret: secret)]), options: .init(algorithms: [.hs256]))
    /// JWT(keys: .jwks(JWKSKeySource(url: "https://issuer.example/jwks.json", transport: client)),
    ///     options: .init(algorithms: [.rs256, .es256]))
    /// ```
    public struct Keys: Sendable {
        let provider: any KeyProvider

        /// A fixed list of keys; kids must be unique.
        public static func fixed(_ keys: [Key]) -> Keys {
            Keys(provider: FixedKeys(keys: keys))
        }
    }
}

/// A configured list of keys, made into a ring on first use.
final class FixedKeys: KeyProvider {
    let keys: [JWT.Key]
    private let ring = AsyncOnce<KeyRing?>()

    init(keys: [JWT.Key]) {
        self.keys = keys
    }

    func configurationProblems(accepting algorithms: [JWT.Algorithm]) -> [ConfigurationError] {
        var check = ConfigurationCheck()
        check.require(!keys.isEmpty, "JWT.Keys.fixed", "needs at least one key")
        check.require(
            Set(keys.compactMap(\.kid)).count == keys.compactMap(\.kid).count, "JWT.Keys.fixed",
            "kids must be unique, got \(keys.compactMap(\.kid))")
        for key in keys where !algorithms.contains(key.algorithm) {
            check.fail(
                "JWT.Keys.fixed",
                "key \(key.kid.map { "\"\($0)\"" } ?? "without kid") is pinned to \(key.algorithm), "
                    + "which JWT.Options.algorithms does not accept")
        }
        return check.problems
    }

    func start(in environment: ChainEnvironment) {}

    func currentRing() async -> KeyRing? {
        await ring.value { [keys] in try? await KeyRing.make(keys, generation: 0) }
    }

    func ring(afterUnknownKeyID kid: String, seen: KeyRing) async -> KeyRing? { nil }
}
