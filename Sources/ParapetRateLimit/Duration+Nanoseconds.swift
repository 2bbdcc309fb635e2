extension Duration {
    /// The duration in whole nanoseconds, truncated toward zero: exact integer arithmetic for window
    /// indices and weights, with no floating point.
    var nanoseconds: Int128 {
        let (seconds, attoseconds) = components
        return Int128(seconds) * 1_000_000_000 + Int128(attoseconds / 1_000_000_000)
    }

    /// A duration of `count` nanoseconds (clamped to what `Int64` seconds can hold).
    init(nanoseconds count: Int128) {
        self = .seconds(Int64(clamping: count / 1_000_000_000)) + .nanoseconds(Int64(count % 1_000_000_000))
    }

    /// Whole seconds, rounded up: `1.001 s` is `2`, `1 s` is `1`, `1 ns` is `1`, zero or less is `0`.
    var secondsRoundedUp: Int64 {
        let (seconds, attoseconds) = components
        guard self > .zero else { return 0 }
        return attoseconds > 0 ? seconds + 1 : seconds
    }

    /// The duration as a whole number of seconds, or `nil` when it is not one.
    var exactSeconds: Int64? {
        let (seconds, attoseconds) = components
        return attoseconds == 0 ? seconds : nil
    }

    /// A compact label for names: `60s`, `250ms`, `1500us`, or `7ns`.
    var compactText: String {
        let nanoseconds = self.nanoseconds
        for (unit, suffix) in [(Int128(1_000_000_000), "s"), (1_000_000, "ms"), (1_000, "us")]
        where nanoseconds % unit == 0 {
            return "\(nanoseconds / unit)\(suffix)"
        }
        return "\(nanoseconds)ns"
    }
}

extension Int128 {
    /// The quotient and remainder of dividing by a positive `divisor`, rounding the quotient toward
    /// negative infinity so that the remainder is never negative (instants before an origin fall in the
    /// window that contains them).
    func floorDivided(by divisor: Int128) -> (quotient: Int128, remainder: Int128) {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
