/// xoshiro256** (Blackman and Vigna): a fast, well-studied 64-bit generator with 256 bits of state.
///
/// Not cryptographic; it is what ``SeededRandomSource`` draws from, so the same seed gives the same
/// words in every process and on every machine.
///
/// ```swift
/// var rng = Xoshiro256StarStar(seed: 42)
/// let roll = Int.random(in: 1...6, using: &rng)  // a die roll from the seeded stream
/// ```
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose state is four draws of ``SplitMix64`` seeded with `seed`, as the
    /// authors recommend.
    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        (s0, s1, s2, s3) = (seeder.next(), seeder.next(), seeder.next(), seeder.next())
    }

    /// Creates a generator from raw state words (for reproducing reference vectors).
    ///
    /// The all-zero state is a fixed point of the generator and is replaced by the state for seed 0.
    ///
    /// ```swift
    /// var rng = Xoshiro256StarStar(state: (1, 2, 3, 4))
    /// assert(rng.next() == 11_520)
    /// ```
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        if state == (0, 0, 0, 0) {
            var seeder = SplitMix64(seed: 0)
            (s0, s1, s2, s3) = (seeder.next(), seeder.next(), seeder.next(), seeder.next())
        } else {
            (s0, s1, s2, s3) = state
        }
    }

    /// The next 64 bits.
    ///
    /// ```swift
    /// var rng = Xoshiro256StarStar(seed: 1)
    /// let word = rng.next()
    /// ```
    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(by: 45)
        return result
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 &- count))
    }
}
