/// A cooldown that doubles with each consecutive episode, up to a cap: `base · 2^(episode-1)`, at most
/// `cap`. Circuit breakers use it for open timeouts, the ejecting balancers for ejection times (through
/// ``EjectionBackoff``).
///
/// Both durations are clamped to at most ``Swift/Duration/longestDelay``, so doubling a cooldown, or
/// adding it to an instant, can never overflow whatever a caller configured.
///
/// ```swift
/// let cooldown = ExponentialCooldown(base: .seconds(1), cap: .seconds(5))
/// (1...5).map { cooldown.duration(forEpisode: $0) }   // 1, 2, 4, 5, 5 s
/// ```
struct ExponentialCooldown: Sendable, Hashable {
    /// The first episode's cooldown: at least a nanosecond, at most ``Swift/Duration/longestDelay``.
    let base: Duration
    /// The longest cooldown: at least ``base``, at most ``Swift/Duration/longestDelay``.
    let cap: Duration

    /// Creates a cooldown from `base` doubling up to `cap`, clamped as documented on the properties.
    init(base: Duration, cap: Duration) {
        self.base = min(max(base, .nanoseconds(1)), .longestDelay)
        self.cap = min(max(cap, self.base), .longestDelay)
    }

    /// The cooldown of the `episode`-th consecutive episode, counting from 1 (lower values count as 1).
    func duration(forEpisode episode: Int) -> Duration {
        var cooldown = base
        var doubled = 1
        // Stops doubling at the cap, so a long run of episodes neither loops long nor overflows.
        while doubled < episode && cooldown < cap {
            cooldown *= 2
            doubled += 1
        }
        return min(cooldown, cap)
    }
}
