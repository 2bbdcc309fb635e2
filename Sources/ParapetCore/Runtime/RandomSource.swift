/// The randomness seam: a thread-safe source of uniformly distributed 64-bit words.
///
/// Production draws from the system generator; the simulator draws from a seeded generator, with an
/// independent stream per component so that adding one component never perturbs the draws of another.
/// Use it through ``RandomGenerator`` with the standard library's `using:` APIs.
///
/// ```swift
/// var rng = runtime.random.generator(for: "round-robin")
/// let first = Int.random(in: 0..<targets.count, using: &rng)  // from the injected source
/// ```
public protocol RandomSource: Sendable {
    /// The next 64 random bits.
    func next() -> UInt64

    /// A source for one named component: independent of every other name in the simulator; production
    /// sources may return themselves. Asking twice for one name continues the same stream rather than
    /// restarting it, so two components that share a name never draw identical numbers.
    func stream(named component: String) -> any RandomSource
}

extension RandomSource {
    /// A `RandomNumberGenerator` drawing from this source's stream for `component`.
    public func generator(for component: String) -> RandomGenerator {
        RandomGenerator(source: stream(named: component))
    }
}

/// A `RandomNumberGenerator` over a ``RandomSource``, for the standard library's `using:` APIs.
///
/// ```swift
/// var rng = RandomGenerator(source: runtime.random)
/// let jitter = Double.random(in: 0..<1, using: &rng)  // from the injected source
/// ```
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    /// The source the words come from.
    public let source: any RandomSource

    /// Creates a generator that draws from `source`.
    public init(source: any RandomSource) {
        self.source = source
    }

    public mutating func next() -> UInt64 {
        source.next()
    }
}
