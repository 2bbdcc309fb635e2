import Crypto

/// Comparisons whose time does not depend on where the inputs differ, nor — because both sides are
/// hashed first — on their lengths.
enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes, in time independent of their contents and lengths.
    static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        digestsEqual(SHA256.hash(data: Array(a)), SHA256.hash(data: Array(b)))
    }

    /// Whether two digests are equal, looking at every byte.
    static func digestsEqual(_ a: SHA256Digest, _ b: SHA256Digest) -> Bool {
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
