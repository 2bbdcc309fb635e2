import Crypto

/// A Lua script for `EVALSHA`, with the SHA-1 digest Redis knows it by, computed once.
///
/// ``RedisClient/evaluate(_:keys:arguments:timeout:)`` sends the digest; only when Redis answers
/// `NOSCRIPT` (the script cache is empty after a restart or `SCRIPT FLUSH`) does it send the text with
/// `EVAL`, which caches it again.
///
/// ```swift
/// let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
/// let total = try await client.evaluate(script, keys: ["hits"], arguments: ["5"])  // .integer(5)
/// ```
public struct RedisScript: Sendable, Hashable {
    /// The Lua source.
    public let source: String
    /// The SHA-1 digest of ``source`` in lowercase hexadecimal: the script's name in `EVALSHA`.
    public let sha1: String

    /// Creates a script from its Lua source.
    ///
    /// ```swift
    /// let script = RedisScript("return 1")
    /// print(script.sha1)  // "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"
    /// ```
    public init(_ source: String) {
        self.source = source
        self.sha1 = Insecure.SHA1.hash(data: Array(source.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 0x10 ? "0" + hex : hex
        }.joined()
    }
}
