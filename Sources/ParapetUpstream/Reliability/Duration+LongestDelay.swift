extension Duration {
    /// The longest timeout or cooldown honoured, about 292 billion years: doubling it or adding it to any
    /// instant stays within `Duration`'s range, so no configured value can overflow the arithmetic.
    static let longestDelay = Duration.seconds(Int64.max)
}
