public import ParapetCore

/// The production ``RandomSource``: the operating system's cryptographically secure generator.
///
/// Every named stream is the same system generator: independence between components only matters
/// for replay, which production does not do.
///
/// ```swift
/// var rng = SystemRandomSource().generator(for: "request-id")
/// let id = UInt64.random(in: .min ... .max, using: &rng)
/// ```
public struct SystemRandomSource: RandomSource {
    /// Creates the system random source.
    public init() {}

    public func next() -> UInt64 {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }

    public func stream(named component: String) -> any RandomSource {
        self
    }
}
