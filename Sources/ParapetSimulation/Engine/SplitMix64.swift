/// SplitMix64 (Steele, Lea and Flood): a fast 64-bit generator used here to expand one seed into
/// well-mixed state for ``Xoshiro256StarStar`` and to derive the seeds of named streams.
///
/// ```swift
/// var seeder = SplitMix64(seed: 0)
/// assert(seeder.next() == 0xe220_a839_7b1d_cdaf)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The generator's entire state; it advances by a fixed odd constant on every draw.
    public private(set) var state: UInt64

    /// Creates a generator whose first draw is the mix of `seed` plus the golden-ratio increment.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 bits.
    ///
    /// ```swift
    /// var seeder = SplitMix64(seed: 42)
    /// let word = seeder.next()
    /// ```
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective avalanche of `value`.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
